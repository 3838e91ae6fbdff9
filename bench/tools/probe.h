// Shared by the benchmark tools: a monotonic clock and a one-shot HTTP/1.1 GET over a fresh loopback connection.
#ifndef BENCH_PROBE_H
#define BENCH_PROBE_H
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static inline double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

// A TCP connection to 127.0.0.1:port with Nagle off, or -1.
static inline int connect_loopback(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) { close(fd); return -1; }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static char probe_response[1 << 16];

// GET path (Connection: close). 1: a 200 (whose response contains text, if given), -1: another answer, 0: no answer.
static inline int http_get(int port, const char *path, const char *text) {
    int fd = connect_loopback(port);
    if (fd < 0) return 0;
    struct timeval tv = {2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char req[1024];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", path);
    if (write(fd, req, n) != n) { close(fd); return 0; }
    size_t len = 0;
    for (;;) {
        ssize_t got = read(fd, probe_response + len, sizeof probe_response - 1 - len);
        if (got <= 0) break;
        len += (size_t)got;
        if (!text || len == sizeof probe_response - 1) break;  // the status line is enough without a text to find
    }
    close(fd);
    probe_response[len] = 0;
    if (len < 12) return 0;
    if (strncmp(probe_response + 9, "200", 3) != 0) return -1;
    return !text || strstr(probe_response, text) ? 1 : -1;
}

static inline int try_get(int port, const char *path) { return http_get(port, path, NULL); }
#endif
