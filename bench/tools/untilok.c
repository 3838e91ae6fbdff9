// untilok: run a trigger command (e.g. a management-plane write) and report the time from its start to
// the first HTTP 200 on a URL of an already running server (e.g. a gateway path that the write creates).
// Usage: untilok PORT PATH TIMEOUT_MS INTERVAL_US -- command args...
// Prints one line: "ok_ms CMD_MS POLLS" where ok_ms is from just before fork() of the command to the
// first 200 (read of the status line), CMD_MS when the command exited (it may exit after the 200: a
// write can be applied before its response is sent), POLLS the number of requests made. Each poll is a fresh
// TCP connection (HTTP/1.1, Connection: close), INTERVAL_US apart; the figure includes up to one interval
// plus one request of slack. Refuses to start if PATH already answers 200. Exit 0 on a 200 within
// TIMEOUT_MS and the command exiting 0; 1 otherwise (the command is killed if it outlives TIMEOUT_MS).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

static volatile pid_t child = 0;

static void on_signal(int sig) {
    if (child > 0) kill(-child, SIGKILL);
    signal(sig, SIG_DFL);
    raise(sig);
}

int main(int argc, char **argv) {
    if (argc < 7 || strcmp(argv[5], "--") != 0) {
        fprintf(stderr, "usage: untilok PORT PATH TIMEOUT_MS INTERVAL_US -- command args...\n");
        return 2;
    }
    int port = atoi(argv[1]);
    const char *path = argv[2];
    double timeout = atof(argv[3]);
    useconds_t interval = (useconds_t)atoi(argv[4]);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGHUP, on_signal);
    if (try_get(port, path) == 1) {
        fprintf(stderr, "untilok: %s already answers 200 before the command ran\n", path);
        return 1;
    }
    double start = now_ms();
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        execvp(argv[6], argv + 6);
        _exit(127);
    }
    if (pid < 0) { perror("fork"); return 1; }
    setpgid(pid, pid);
    child = pid;
    double ok = -1, cmd = -1;
    int status = 0, polls = 0;
    while (now_ms() - start < timeout) {
        polls++;
        if (try_get(port, path) == 1) { ok = now_ms() - start; break; }
        if (cmd < 0 && waitpid(pid, &status, WNOHANG) == pid) cmd = now_ms() - start;
        usleep(interval);
    }
    // Reap the command (bounded by the same timeout).
    while (cmd < 0 && now_ms() - start < timeout) {
        if (waitpid(pid, &status, WNOHANG) == pid) { cmd = now_ms() - start; break; }
        usleep(500);
    }
    if (cmd < 0) {
        kill(-pid, SIGKILL);
        waitpid(pid, &status, 0);
        fprintf(stderr, "untilok: the command was still running after %.0f ms (killed)\n", timeout);
    }
    child = 0;
    if (ok < 0) {
        fprintf(stderr, "untilok: no 200 on %s within %.0f ms (%d polls)\n", path, timeout, polls);
        return 1;
    }
    printf("%.3f %.3f %d\n", ok, cmd, polls);
    if (cmd < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "untilok: the command failed (status %d)\n", status);
        return 1;
    }
    return 0;
}
