// firstok: start a command and report the time from exec to its first HTTP 200 on a URL.
// Usage: firstok PORT PATH RUNS -- command args...
// Prints one line per run (milliseconds) and the median; the child is killed after each run.
// Polls with a fresh TCP connection every 200 microseconds: the figure includes up to that much slack.
// The child runs in its own process group and the whole group is killed after each run (so a forking
// server such as nginx's master + workers leaves nothing behind); SIGTERM/SIGINT/SIGHUP do the same.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

static volatile pid_t child_group = 0;

static void on_signal(int sig) {
    if (child_group > 0) kill(-child_group, SIGKILL);
    signal(sig, SIG_DFL);
    raise(sig);
}

// Kill the child's process group and reap it, plus any of its children that were re-parented to us
// (we are a child subreaper), waiting at most a second for them.
static void kill_group(pid_t pid) {
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    child_group = 0;
    double until = now_ms() + 1000;
    while (now_ms() < until) {
        pid_t got = waitpid(-1, NULL, WNOHANG);
        if (got < 0) break;          // ECHILD: nothing left
        if (got == 0) usleep(1000);  // some still dying
    }
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc < 6 || strcmp(argv[4], "--") != 0) {
        fprintf(stderr, "usage: firstok PORT PATH RUNS -- command args...\n");
        return 2;
    }
    int port = atoi(argv[1]);
    const char *path = argv[2];
    int runs = atoi(argv[3]);
    double *times = calloc(runs, sizeof *times);
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGHUP, on_signal);
    int ok = 0;
    for (int r = 0; r < runs; r++) {
        if (try_get(port, path) != 0) {
            fprintf(stderr, "port %d already answers before the command started: stop whatever listens there\n", port);
            return 1;
        }
        double start = now_ms();
        pid_t pid = fork();
        if (pid == 0) {
            setpgid(0, 0);
            int devnull = open("/dev/null", 1);
            if (!getenv("FIRSTOK_SHOW")) { dup2(devnull, 1); dup2(devnull, 2); }
            execvp(argv[5], argv + 5);
            _exit(127);
        }
        if (pid < 0) { perror("fork"); return 1; }
        setpgid(pid, pid);  // also here, so the group exists whichever of the two runs first
        child_group = pid;
        double t = -1;
        int exited = 0;
        while (now_ms() - start < 10000) {
            int res = try_get(port, path);
            if (res == 1) { t = now_ms() - start; break; }
            int status;
            if (waitpid(pid, &status, WNOHANG) == pid) { exited = 1; break; }  // exited early: kill_group cleans up the rest
            usleep(200);
        }
        if (pid > 0) kill_group(pid);
        if (t < 0) {
            fprintf(stderr, exited ? "run %d: the command exited before a 200\n" : "run %d: no 200 within 10 s\n", r + 1);
            continue;
        }
        times[ok++] = t;
        printf("run %d: %.2f ms\n", r + 1, t);
        fflush(stdout);
        usleep(100000);
    }
    if (ok == 0) return 1;
    qsort(times, ok, sizeof *times, cmp);
    double median = ok % 2 ? times[ok / 2] : (times[ok / 2 - 1] + times[ok / 2]) / 2;
    printf("median: %.2f ms over %d runs\n", median, ok);
    return ok == runs ? 0 : 1;
}
