// longpoll: simulate N gateways long-polling a management plane, then time how long each takes to
// receive a change.
// Usage: longpoll PORT N PATH_FMT TOKENS_FILE WAIT_S HOLD_S TIMEOUT_S -- trigger command args...
//   PATH_FMT: the snapshot path with %d for the client number 1..N, e.g. /gateway/v1/gateways/gw%d/snapshot
//   TOKENS_FILE: line i is client i's Authorization header value (one line: the same for all clients).
// 1. Each client GETs its snapshot once (fresh connection) and keeps the ETag.
// 2. Each client opens a connection and sends GET PATH?wait=WAIT_S with If-None-Match: ETAG
//    (Connection: close); prints "held N" when all N requests are sent.
// 3. Holds them HOLD_S seconds; a response in that time is an "early" answer (printed, counted).
// 4. Runs the trigger command (t0 = just before fork) and waits, at most TIMEOUT_S, until every client
//    has its whole response (EOF). Prints "client I STATUS FIRST_MS DONE_MS" per client (ms from t0 to the
//    first byte and to the end of the response; -1 if none) and "trigger MS EXIT".
// Everything is bounded: every step has a deadline; every socket is closed on exit.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

static int write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w <= 0) return -1;
        p += w; n -= (size_t)w;
    }
    return 0;
}

static volatile pid_t child = 0;
static void on_signal(int sig) {
    if (child > 0) kill(-child, SIGKILL);
    signal(sig, SIG_DFL);
    raise(sig);
}

static char big[1 << 20];

int main(int argc, char **argv) {
    if (argc < 10 || strcmp(argv[8], "--") != 0) {
        fprintf(stderr, "usage: longpoll PORT N PATH_FMT TOKENS_FILE WAIT_S HOLD_S TIMEOUT_S -- command args...\n");
        return 2;
    }
    int port = atoi(argv[1]), n = atoi(argv[2]);
    const char *fmt = argv[3];
    int wait_s = atoi(argv[5]);
    double hold = atof(argv[6]) * 1000, timeout = atof(argv[7]) * 1000;
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGHUP, on_signal);
    signal(SIGPIPE, SIG_IGN);

    char **tokens = calloc(n, sizeof *tokens);
    FILE *tf = fopen(argv[4], "r");
    if (!tf) { perror(argv[4]); return 2; }
    char line[4096];
    int nt = 0;
    while (nt < n && fgets(line, sizeof line, tf)) {
        line[strcspn(line, "\r\n")] = 0;
        if (*line) tokens[nt++] = strdup(line);
    }
    fclose(tf);
    if (nt == 0) { fprintf(stderr, "longpoll: no token in %s\n", argv[4]); return 2; }
    for (int i = nt; i < n; i++) tokens[i] = tokens[nt == 1 ? 0 : i % nt];

    // 1. Current ETag of each client's snapshot.
    char **etags = calloc(n, sizeof *etags);
    char path[1024], req[8192];
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof path, fmt, i + 1);
        int fd = connect_loopback(port);
        if (fd < 0) { fprintf(stderr, "longpoll: cannot connect to %d\n", port); return 1; }
        struct timeval tv = {10, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        int len = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: %s\r\nConnection: close\r\n\r\n", path, tokens[i]);
        write_all(fd, req, (size_t)len);
        size_t got = 0;
        for (;;) {
            ssize_t r = read(fd, big + got, sizeof big - 1 - got);
            if (r <= 0) break;
            got += (size_t)r;
            if (got == sizeof big - 1) break;
        }
        close(fd);
        big[got] = 0;
        if (got < 12 || strncmp(big + 9, "200", 3) != 0) {
            fprintf(stderr, "longpoll: client %d: GET %s answered: %.80s\n", i + 1, path, big);
            return 1;
        }
        char *h = strcasestr(big, "\r\netag:");
        if (!h) { fprintf(stderr, "longpoll: client %d: no ETag\n", i + 1); return 1; }
        h += 7;
        while (*h == ' ') h++;
        size_t el = strcspn(h, "\r\n");
        etags[i] = strndup(h, el);
    }

    // 2. The long polls.
    int *fds = calloc(n, sizeof *fds), *status = calloc(n, sizeof *status), *hlen = calloc(n, sizeof *hlen);
    char (*head)[16] = calloc(n, sizeof *head);
    double *first = calloc(n, sizeof *first), *done = calloc(n, sizeof *done);
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof path, fmt, i + 1);
        fds[i] = connect_loopback(port);
        if (fds[i] < 0) { fprintf(stderr, "longpoll: client %d cannot connect\n", i + 1); return 1; }
        int len = snprintf(req, sizeof req,
                           "GET %s?wait=%d HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: %s\r\nIf-None-Match: %s\r\nConnection: close\r\n\r\n",
                           path, wait_s, tokens[i], etags[i]);
        if (write_all(fds[i], req, (size_t)len) != 0) { fprintf(stderr, "longpoll: client %d: write failed\n", i + 1); return 1; }
        fcntl(fds[i], F_SETFL, O_NONBLOCK);
        first[i] = done[i] = -1;
    }
    printf("held %d\n", n);
    fflush(stdout);

    struct pollfd *pfd = calloc(n, sizeof *pfd);
    int open_count = n, early = 0;
    double base = 0;
    // 3. Hold, then 4. trigger and collect; one loop, phase changes at the end of the hold.
    double hold_start = now_ms();
    int phase = 3, trig_status = -1;
    double trig_ms = -1;
    pid_t pid = -1;
    for (;;) {
        double t = now_ms();
        if (phase == 3 && t - hold_start >= hold) {
            printf("early %d\n", early);
            fflush(stdout);
            phase = 4;
            base = now_ms();
            pid = fork();
            if (pid == 0) {
                setpgid(0, 0);
                int devnull = open("/dev/null", O_WRONLY);
                dup2(devnull, 1);
                execvp(argv[9], argv + 9);
                _exit(127);
            }
            if (pid < 0) { perror("fork"); return 1; }
            setpgid(pid, pid);
            child = pid;
        }
        if (phase == 4) {
            if (trig_ms < 0 && waitpid(pid, &trig_status, WNOHANG) == pid) trig_ms = now_ms() - base;
            if ((open_count == 0 && trig_ms >= 0) || now_ms() - base >= timeout) break;
        }
        int m = 0;
        for (int i = 0; i < n; i++) if (fds[i] >= 0) { pfd[m].fd = fds[i]; pfd[m].events = POLLIN; pfd[m].revents = 0; m++; }
        int wait = phase == 3 ? 100 : 1;
        if (m == 0) { usleep(1000); continue; }
        if (poll(pfd, m, wait) <= 0) continue;
        double at = now_ms();
        for (int k = 0; k < m; k++) {
            if (!pfd[k].revents) continue;
            int i;
            for (i = 0; i < n && fds[i] != pfd[k].fd; i++) {}
            if (i == n) continue;
            for (;;) {
                ssize_t r = read(fds[i], big, sizeof big);
                if (r > 0) {
                    if (first[i] < 0 && phase == 4) first[i] = at - base;
                    if (hlen[i] < 12) {
                        int c = (int)(r < 12 - hlen[i] ? r : 12 - hlen[i]);
                        memcpy(head[i] + hlen[i], big, (size_t)c);
                        hlen[i] += c;
                        if (hlen[i] >= 12) status[i] = atoi(head[i] + 9);
                    }
                    continue;
                }
                if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
                // EOF or error: this client is done.
                done[i] = phase == 4 ? at - base : -1;
                if (phase == 3) {
                    early++;
                    fprintf(stderr, "longpoll: client %d answered %d during the hold\n", i + 1, status[i]);
                }
                close(fds[i]);
                fds[i] = -1;
                open_count--;
                break;
            }
        }
    }
    if (trig_ms < 0 && pid > 0) {
        kill(-pid, SIGKILL);
        waitpid(pid, &trig_status, 0);
        fprintf(stderr, "longpoll: the trigger command did not finish within the timeout (killed)\n");
    }
    child = 0;
    int ok = 0;
    for (int i = 0; i < n; i++) {
        if (fds[i] >= 0) close(fds[i]);
        printf("client %d %d %.3f %.3f\n", i + 1, status[i], first[i], done[i]);
        if (status[i] == 200 && done[i] >= 0) ok++;
    }
    printf("trigger %.3f %d\n", trig_ms, WIFEXITED(trig_status) ? WEXITSTATUS(trig_status) : -1);
    fflush(stdout);
    return ok == n ? 0 : 1;
}
