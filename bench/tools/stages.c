// stages: start a server command and report the time from exec to each of a sequence of HTTP stages,
// then kill its process group.
// Usage: stages PORT TIMEOUT_MS INTERVAL_US STAGE... -- command args...
//   STAGE is PATH (the first 200 on PATH) or PATH~TEXT (the first 200 on PATH whose response, headers
//   and body, contains TEXT), optionally on another port as PORT:PATH, e.g. /healthz/ready and
//   '9090:/status-0123456789abcdef~"lastRevision":1' (the gateway's admin listener).
// Stages are awaited in order; prints "stage N: MS ms" per stage reached. Each poll is a fresh TCP
// connection (HTTP/1.1, Connection: close), INTERVAL_US apart: each figure includes up to one interval
// plus one request of slack. The child's stdout/stderr go to $STAGES_LOG if set, else /dev/null.
// Exit 0 when every stage was reached within TIMEOUT_MS (from exec), 1 otherwise.
#define _GNU_SOURCE
#include <arpa/inet.h>
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

int main(int argc, char **argv) {
    int dash = 0;
    for (int i = 4; i < argc; i++) if (strcmp(argv[i], "--") == 0) { dash = i; break; }
    if (argc < 7 || dash < 5 || dash == argc - 1) {
        fprintf(stderr, "usage: stages PORT TIMEOUT_MS INTERVAL_US STAGE... -- command args...\n");
        return 2;
    }
    int port = atoi(argv[1]);
    double timeout = atof(argv[2]);
    useconds_t interval = (useconds_t)atoi(argv[3]);
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGHUP, on_signal);
    if (http_get(port, "/", NULL) != 0) {
        fprintf(stderr, "stages: port %d already answers before the command started\n", port);
        return 1;
    }
    double start = now_ms();
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        const char *logf = getenv("STAGES_LOG");
        int out = logf ? open(logf, O_WRONLY | O_CREAT | O_APPEND, 0644) : open("/dev/null", O_WRONLY);
        if (out >= 0) { dup2(out, 1); dup2(out, 2); }
        execvp(argv[dash + 1], argv + dash + 1);
        _exit(127);
    }
    if (pid < 0) { perror("fork"); return 1; }
    setpgid(pid, pid);
    child_group = pid;
    int reached = 0, stages = dash - 4, exited = 0;
    for (int s = 4; s < dash && !exited; s++) {
        char path[1024];
        snprintf(path, sizeof path, "%s", argv[s]);
        char *text = strchr(path, '~');
        if (text) *text++ = 0;
        int stage_port = port;
        char *at = path;
        if (path[0] != '/' && strchr(path, ':')) { stage_port = atoi(path); at = strchr(path, ':') + 1; }
        double t = -1;
        while (now_ms() - start < timeout) {
            if (http_get(stage_port, at, text) == 1) { t = now_ms() - start; break; }
            int status;
            if (waitpid(pid, &status, WNOHANG) == pid) { exited = 1; break; }
            usleep(interval);
        }
        if (t < 0) {
            fprintf(stderr, exited ? "stages: the command exited before stage %d (%s)\n" : "stages: stage %d (%s) not reached within the timeout\n",
                    s - 3, argv[s]);
            break;
        }
        printf("stage %d: %.2f ms\n", s - 3, t);
        fflush(stdout);
        reached++;
    }
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
    return reached == stages ? 0 : 1;
}
