// firstline: start a command and report the time from exec to the first line of its output (stdout or
// stderr) that contains TEXT, then kill its process group.
// Usage: firstline TIMEOUT_MS TEXT -- command args...
// Prints "line: MS ms" and exits 0 when the line came within TIMEOUT_MS, else exits 1 (with the reason on
// stderr). The child's output goes through a pipe that this tool reads as it comes (a blocking poll, no
// polling interval), so the figure is exec to the moment the child wrote the line. With $FIRSTLINE_LOG set,
// everything the child wrote until then is appended to that file.
// The child runs in its own process group; the whole group is killed at the end (and on SIGTERM/SIGINT/SIGHUP).
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
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

int main(int argc, char **argv) {
    if (argc < 5 || strcmp(argv[3], "--") != 0) {
        fprintf(stderr, "usage: firstline TIMEOUT_MS TEXT -- command args...\n");
        return 2;
    }
    double timeout = atof(argv[1]);
    const char *text = argv[2];
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGHUP, on_signal);
    signal(SIGPIPE, SIG_IGN);
    int fds[2];
    if (pipe(fds) != 0) { perror("pipe"); return 1; }
    double start = now_ms();
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        close(fds[0]);
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        close(fds[1]);
        execvp(argv[4], argv + 4);
        _exit(127);
    }
    if (pid < 0) { perror("fork"); return 1; }
    setpgid(pid, pid);
    child_group = pid;
    close(fds[1]);
    const char *logf = getenv("FIRSTLINE_LOG");
    FILE *log = logf ? fopen(logf, "a") : NULL;

    // The text may be split across reads: keep the current (unfinished) line, bounded.
    static char line[1 << 16];
    size_t len = 0;
    double t = -1;
    int eof = 0;
    char buf[4096];
    while (t < 0 && !eof) {
        double left = timeout - (now_ms() - start);
        if (left <= 0) break;
        struct pollfd p = {fds[0], POLLIN, 0};
        int r = poll(&p, 1, (int)left + 1);
        if (r < 0) continue;
        if (r == 0) break;
        ssize_t n = read(fds[0], buf, sizeof buf);
        if (n <= 0) { eof = 1; break; }
        double at = now_ms() - start;
        if (log) fwrite(buf, 1, (size_t)n, log);
        for (ssize_t i = 0; i < n && t < 0; i++) {
            if (buf[i] == '\n') { len = 0; continue; }
            if (len < sizeof line - 1) line[len++] = buf[i];
            line[len] = 0;
            if (strstr(line, text) != NULL) t = at;
        }
    }
    if (log) fclose(log);
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    child_group = 0;
    double until = now_ms() + 1000;
    while (now_ms() < until) {
        pid_t got = waitpid(-1, NULL, WNOHANG);
        if (got < 0) break;
        if (got == 0) usleep(1000);
    }
    if (t < 0) {
        fprintf(stderr, eof ? "firstline: the command ended its output before a line with '%s'\n"
                            : "firstline: no line with '%s' within the timeout\n", text);
        return 1;
    }
    printf("line: %.2f ms\n", t);
    return 0;
}
