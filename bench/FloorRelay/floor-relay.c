// floor-relay.c - "kernel floor" null relay: Twilio Media Streams <-> OpenAI Realtime over WebSocket, doing the
// bridge's audio translation with as little user-space work as possible (no token check, no features).
//   caller  media {payload}         -> upstream {"type":"input_audio_buffer.append","audio":payload}
//   caller  start {start.streamSid} -> remembered as the call's streamSid
//   caller  mark / stop / other     -> ignored
//   upstream <delta-event> {delta}  -> caller {"event":"media",...,"payload":delta} + {"event":"mark",...,"responsePart"}
//   upstream other events           -> ignored
// Base64 strings are copied, never decoded. Single thread, level-triggered epoll, non-blocking sockets, TCP_NODELAY,
// one read buffer per connection, writes go straight to the socket and are buffered only on EAGAIN.
// JSON is not tokenised: values are located by substring ("key":"...) - enough for these fixed-shape messages.
// Build: gcc -O2 -Wall -o floor-relay floor-relay.c -lcrypto   (libcrypto only for SHA-1 + base64 of the handshake)
// Usage: floor-relay [PORT=5060] [UPSTREAM=ws://127.0.0.1:8765/v1/realtime?model=gpt-realtime] [DELTA_EVENT] [MAX_SECONDS=1800]
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

enum { DOWN, UP };                 // DOWN: the Twilio caller (we are the WS server); UP: OpenAI (we are the WS client)
enum { HANDSHAKE, OPEN, CLOSING }; // CLOSING: we sent a close frame and wait for the reply

typedef struct call call;
typedef struct conn {
    int fd, side, state, dead;
    uint32_t events;               // epoll events currently armed
    char *rb; size_t rlen, rcap;   // read buffer (whole frames are handled in place)
    char *wb; size_t wlen, wcap;   // output the kernel did not take yet
    call *call;
    struct conn *next_dead;
} conn;
struct call { conn *down, *up; char sid[64]; int sid_len; };

#define LIT(s) s, sizeof(s) - 1
static const char A1[] = "{\"type\":\"input_audio_buffer.append\",\"audio\":\"", A2[] = "\"}";
static const char D1[] = "{\"event\":\"media\",\"streamSid\":\"", D2[] = "\",\"media\":{\"payload\":\"", D3[] = "\"}}";
static const char K1[] = "{\"event\":\"mark\",\"streamSid\":\"", K2[] = "\",\"mark\":{\"name\":\"responsePart\"}}";
static const char SESSION_UPDATE[] = "{\"type\":\"session.update\",\"session\":{\"type\":\"realtime\",\"model\":\"gpt-realtime\","
    "\"output_modalities\":[\"audio\"],\"audio\":{\"input\":{\"format\":{\"type\":\"audio/pcmu\"},\"turn_detection\":"
    "{\"type\":\"server_vad\"}},\"output\":{\"format\":{\"type\":\"audio/pcmu\"},\"voice\":\"alloy\"}},\"instructions\":\"null relay\"}}";

static int ep;
static struct sockaddr_in up_addr;
static char up_hostport[160], up_path[512];
static const char *delta_event = "response.output_audio.delta";
static size_t delta_event_len;
static conn *dead_list;
static uint32_t rng = 2463534242u;

static void kill_conn(conn *c);

static void arm(conn *c, uint32_t ev) {
    if (c->events == ev) return;
    struct epoll_event e = { .events = ev, .data.ptr = c };
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &e);
    c->events = ev;
}

static conn *new_conn(int fd, int side, uint32_t ev) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    conn *c = calloc(1, sizeof *c);
    c->fd = fd; c->side = side; c->events = ev;
    c->rcap = 4096; c->rb = malloc(c->rcap);
    struct epoll_event e = { .events = ev, .data.ptr = c };
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
    return c;
}

// Writes directly; keeps only what the kernel did not accept and then waits for EPOLLOUT.
static void send_raw(conn *c, const char *p, size_t n) {
    if (c->dead) return;
    if (c->wlen == 0) {
        ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
        if (w == (ssize_t)n) return;
        if (w < 0) { if (errno != EAGAIN) { kill_conn(c); return; } w = 0; }
        p += w; n -= w;
    }
    if (c->wlen + n > c->wcap) { c->wcap = (c->wlen + n) * 2; c->wb = realloc(c->wb, c->wcap); }
    memcpy(c->wb + c->wlen, p, n); c->wlen += n;
    arm(c, c->events | EPOLLOUT);
}

static void flush(conn *c) {
    ssize_t w = c->wlen ? send(c->fd, c->wb, c->wlen, MSG_NOSIGNAL) : 0;
    if (w < 0) { if (errno != EAGAIN) kill_conn(c); return; }
    memmove(c->wb, c->wb + w, c->wlen - w); c->wlen -= w;
    if (c->wlen == 0) arm(c, c->events & ~EPOLLOUT);
}

// Writes a frame header (FIN, opcode, length, mask key when masked) at d; returns where the payload goes.
static char *hdr(char *d, int op, size_t n, int masked) {
    unsigned char *h = (unsigned char *)d;
    h[0] = 0x80 | op;
    if (n < 126) { h[1] = n; h += 2; }
    else if (n < 65536) { h[1] = 126; h[2] = n >> 8; h[3] = n; h += 4; }
    else { h[1] = 127; for (int i = 0; i < 8; i++) h[2 + i] = (uint64_t)n >> (56 - 8 * i); h += 10; }
    if (masked) { d[1] |= 0x80; rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5; memcpy(h, &rng, 4); h += 4; }
    return (char *)h;
}

static void xor_mask(char *p, size_t n, const char *key) {
    uint32_t k; memcpy(&k, key, 4);
    size_t i = 0;
    for (; i + 4 <= n; i += 4) { uint32_t w; memcpy(&w, p + i, 4); w ^= k; memcpy(p + i, &w, 4); }
    for (; i < n; i++) p[i] ^= key[i & 3];
}

static char *put(char *p, const void *s, size_t n) { memcpy(p, s, n); return p + n; }

// One text (or control) message to c; masked when we are the client side.
static void send_msg(conn *c, int op, const char *m, size_t n) {
    char buf[14 + n];
    int masked = c->side == UP;
    char *pl = hdr(buf, op, n, masked), *e = put(pl, m, n);
    if (masked) xor_mask(pl, n, pl - 4);
    send_raw(c, buf, e - buf);
}

static void send_close(conn *c) {
    if (c->dead || c->state != OPEN) return;
    send_msg(c, 8, "\x03\xe8", 2); // 1000 normal closure
    c->state = CLOSING;
}

static void kill_conn(conn *c) {
    if (c->dead) return;
    c->dead = 1;
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    c->next_dead = dead_list; dead_list = c;
    call *k = c->call;
    c->call = NULL;
    if (!k) return;
    if (c == k->down) k->down = NULL; else k->up = NULL;
    conn *o = k->down ? k->down : k->up;
    if (!o) { free(k); return; }
    if (o->state == HANDSHAKE) { kill_conn(o); return; }
    send_close(o);                 // the other side is dropped on its close reply or EOF
    if (!o->dead) arm(o, o->events | EPOLLIN);
}

// Finds "key":"value" (the key given with its quotes, colon and opening quote); values here never hold escapes.
static int str_at(const char *m, size_t n, const char *key, size_t kl, const char **v) {
    const char *k = memmem(m, n, key, kl);
    if (!k) return -1;
    const char *s = k + kl, *e = memchr(s, '"', m + n - s);
    if (!e) return -1;
    *v = s;
    return e - s;
}

static void from_caller(call *k, const char *m, size_t n) {
    const char *ev = NULL, *v;
    int el = str_at(m, n, LIT("\"event\":\""), &ev), vl;
    if (el == 5 && !memcmp(ev, "media", 5)) {
        if ((vl = str_at(m, n, LIT("\"payload\":\""), &v)) < 0 || !k->up) return;
        char buf[14 + sizeof A1 + vl + sizeof A2];
        size_t len = sizeof A1 - 1 + vl + sizeof A2 - 1;
        char *pl = hdr(buf, 1, len, 1), *e = put(put(put(pl, LIT(A1)), v, vl), LIT(A2));
        xor_mask(pl, len, pl - 4);
        send_raw(k->up, buf, e - buf);
    } else if (el == 5 && !memcmp(ev, "start", 5)) {
        if ((vl = str_at(m, n, LIT("\"streamSid\":\""), &v)) >= 0 && vl < (int)sizeof k->sid) { memcpy(k->sid, v, vl); k->sid_len = vl; }
    } // "connected", "mark" echoes and "stop" need nothing: the caller's close frame ends the call
}

static void from_upstream(call *k, const char *m, size_t n) {
    const char *t = NULL, *d;
    int tl = str_at(m, n, LIT("\"type\":\""), &t), dl;
    if (tl != (int)delta_event_len || memcmp(t, delta_event, tl) || (dl = str_at(m, n, LIT("\"delta\":\""), &d)) < 0 || !k->down) return;
    size_t ml = sizeof D1 - 1 + k->sid_len + sizeof D2 - 1 + dl + sizeof D3 - 1, kl = sizeof K1 - 1 + k->sid_len + sizeof K2 - 1;
    char buf[28 + ml + kl];                 // media + mark frames, sent with one send()
    char *p = hdr(buf, 1, ml, 0);
    p = put(put(put(put(put(p, LIT(D1)), k->sid, k->sid_len), LIT(D2)), d, dl), LIT(D3));
    p = hdr(p, 1, kl, 0);
    p = put(put(put(p, LIT(K1)), k->sid, k->sid_len), LIT(K2));
    send_raw(k->down, buf, p - buf);
}

// Handles every complete frame in c->rb (unmasking in place), keeps the partial tail.
static void on_frames(conn *c) {
    size_t off = 0, need = 0;
    while (!c->dead && c->rlen - off >= 2) {
        unsigned char *h = (unsigned char *)c->rb + off;
        size_t avail = c->rlen - off, n = h[1] & 127, hl = 2;
        if (n == 126) { if (avail < 4) break; n = (size_t)h[2] << 8 | h[3]; hl = 4; }
        else if (n == 127) { if (avail < 10) break; n = 0; for (int i = 0; i < 8; i++) n = n << 8 | h[2 + i]; hl = 10; }
        int masked = h[1] & 0x80;
        if (masked) hl += 4;
        if (avail < hl + n) { need = hl + n; break; }
        char *pl = (char *)h + hl;
        if (masked) xor_mask(pl, n, pl - 4);
        int op = h[0] & 15;  // this protocol never fragments: every data frame is a whole message
        if (op == 1 || op == 2) { if (c->side == DOWN) from_caller(c->call, pl, n); else from_upstream(c->call, pl, n); }
        else if (op == 8) { send_close(c); kill_conn(c); }
        else if (op == 9) send_msg(c, 10, pl, n);
        off += hl + n;
    }
    if (c->dead) return;
    memmove(c->rb, c->rb + off, c->rlen - off); c->rlen -= off;
    if (need + 1 > c->rcap) { c->rcap = need + 1; c->rb = realloc(c->rb, c->rcap); }
}

static void connect_upstream(call *k) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0 || (connect(fd, (struct sockaddr *)&up_addr, sizeof up_addr) < 0 && errno != EINPROGRESS)) {
        if (fd >= 0) close(fd);
        kill_conn(k->down);
        return;
    }
    conn *u = new_conn(fd, UP, EPOLLIN | EPOLLOUT);
    u->call = k; k->up = u;
    u->wcap = 1024; u->wb = malloc(u->wcap);   // the request goes out on EPOLLOUT, once the connect completes
    u->wlen = snprintf(u->wb, u->wcap, "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer fake\r\n\r\n",
        up_path, up_hostport);
}

// Returns the length of the HTTP head in c->rb (0 while incomplete).
static size_t http_head(conn *c) {
    char *e = memmem(c->rb, c->rlen, "\r\n\r\n", 4);
    return e ? (size_t)(e + 4 - c->rb) : 0;
}

static void handshake_down(conn *c) {
    size_t hl = http_head(c);
    if (!hl) { if (c->rlen > 8192) kill_conn(c); return; }
    c->rb[hl - 1] = 0;
    char *key = strcasestr(c->rb, "\r\nSec-WebSocket-Key:");
    // any path under /media (the project's bridge serves /media; the reference samples /media-stream)
    if (strncmp(c->rb, "GET /media", 10) || !key) {
        send_raw(c, LIT("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
        kill_conn(c);
        return;
    }
    key += 20; while (*key == ' ') key++;
    char kg[128], acc[64], resp[256];
    int kl = strcspn(key, "\r\n");
    if (kl > 64) { kill_conn(c); return; }
    memcpy(kg, key, kl); memcpy(kg + kl, "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", 36);
    unsigned char sha[20];
    SHA1((unsigned char *)kg, kl + 36, sha);
    EVP_EncodeBlock((unsigned char *)acc, sha, 20);
    int n = snprintf(resp, sizeof resp, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: %s\r\n\r\n", acc);
    memmove(c->rb, c->rb + hl, c->rlen - hl); c->rlen -= hl;
    send_raw(c, resp, n);
    if (c->dead) return;
    c->state = OPEN;
    c->call = calloc(1, sizeof(call)); c->call->down = c;
    arm(c, c->events & EPOLLOUT); // read nothing from the caller until upstream is connected
    connect_upstream(c->call);
}

static void handshake_up(conn *c) {
    size_t hl = http_head(c);
    if (!hl) { if (c->rlen > 8192) kill_conn(c); return; }
    if (strncmp(c->rb, "HTTP/1.1 101", 12)) { kill_conn(c); return; }
    memmove(c->rb, c->rb + hl, c->rlen - hl); c->rlen -= hl;
    c->state = OPEN;
    send_msg(c, 1, LIT(SESSION_UPDATE));  // at once, before any caller audio
    if (c->dead) return;
    conn *d = c->call->down;
    if (d && !d->dead) { arm(d, d->events | EPOLLIN); if (d->rlen) on_frames(d); }
    if (!c->dead && c->rlen) on_frames(c);
}

static void on_readable(conn *c) {
    if (c->rcap - c->rlen < 1024) { c->rcap *= 2; c->rb = realloc(c->rb, c->rcap); }
    ssize_t r = recv(c->fd, c->rb + c->rlen, c->rcap - c->rlen - 1, 0);
    if (r < 0 && errno == EAGAIN) return;
    if (r <= 0) { kill_conn(c); return; }
    c->rlen += r;
    if (c->state == HANDSHAKE) { if (c->side == DOWN) handshake_down(c); else handshake_up(c); }
    else if (c->side == UP || !c->call->up || c->call->up->state != HANDSHAKE) on_frames(c);
}

int main(int argc, char **argv) {
    int port = argc > 1 ? atoi(argv[1]) : 5060, uport = 80;
    const char *up = argc > 2 ? argv[2] : "ws://127.0.0.1:8765/v1/realtime?model=gpt-realtime";
    char host[128];
    if (argc > 3) delta_event = argv[3];
    delta_event_len = strlen(delta_event);
    alarm(argc > 4 ? atoi(argv[4]) : 1800); // bounded lifetime
    signal(SIGPIPE, SIG_IGN);
    if (sscanf(up, "ws://%127[^:/]:%d%511s", host, &uport, up_path) != 3) { fprintf(stderr, "upstream must be ws://IPv4:PORT/PATH\n"); return 2; }
    snprintf(up_hostport, sizeof up_hostport, "%s:%d", host, uport);
    up_addr.sin_family = AF_INET; up_addr.sin_port = htons(uport);
    if (inet_pton(AF_INET, host, &up_addr.sin_addr) != 1) { fprintf(stderr, "upstream host must be an IPv4 address\n"); return 2; }

    ep = epoll_create1(0);
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0 || listen(ls, 1024) < 0) { perror("listen"); return 1; }
    struct epoll_event le = { .events = EPOLLIN, .data.ptr = NULL };
    epoll_ctl(ep, EPOLL_CTL_ADD, ls, &le);
    printf("c floor relay listening on 127.0.0.1:%d -> %s\n", port, up);
    fflush(stdout);

    struct epoll_event evs[256];
    for (;;) {
        int n = epoll_wait(ep, evs, 256, -1);
        if (n < 0 && errno != EINTR) { perror("epoll_wait"); return 1; }
        for (int i = 0; i < n; i++) {
            conn *c = evs[i].data.ptr;
            if (!c) {
                int fd;
                while ((fd = accept4(ls, NULL, NULL, SOCK_NONBLOCK)) >= 0) new_conn(fd, DOWN, EPOLLIN);
                continue;
            }
            if (c->dead) continue;
            if (evs[i].events & EPOLLOUT) flush(c);
            if (!c->dead && (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) on_readable(c);
        }
        while (dead_list) { conn *d = dead_list; dead_list = d->next_dead; free(d->rb); free(d->wb); free(d); }
    }
}
