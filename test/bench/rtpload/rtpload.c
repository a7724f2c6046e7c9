// rtpload: RTP load generator and checker for `npm run bench -- media` (docs/media-bench.md).
//
// Why C and not TypeScript: the bench must saturate the relay (one Node process pinned to one
// core) with a generator pinned to the only other core. 2,000 calls are 200,000 packets/s out
// and 200,000 in; a Node generator pays the same per-packet cost as the relay it measures
// (libuv, a JS callback, a Buffer per datagram), so it would be the bottleneck long before the
// relay. Here a packet costs one send() or part of one recvmmsg() and a memcmp.
//
// Input: one call per line, "aLocal aDest bLocal bDest ptA ptB lawA lawB" (law: a|u|PCMA|PCMU).
// Endpoint A binds 127.0.0.1:aLocal and sends to host:aDest (the relay's leg-a port); B likewise.
// With --direct, A sends straight to B's port and B to A's (the loopback baseline).
// Every endpoint sends a 12-byte RTP header + 160 bytes every 20 ms; the 2N endpoints are
// staggered evenly over the period. Payload byte i of sequence s is (s*7+i)&0xff in the sender's
// law, so the receiver knows the exact bytes to expect: the same, or their G.711 direct A->u /
// u->A conversion (tables from --tables: 256 bytes A->u then 256 bytes u->A, written by the bench
// from @ccx/g711 so there is no second copy of them here).
// The relay rewrites SSRC and shifts sequence and timestamp by a constant per stream. The first
// packet a receiver gets is identified by its payload (the pattern repeats every 256 sequence
// numbers, like the ring of send records), which gives the offsets; every later packet is matched
// to its send record by (seq - offset). Latency = kernel receive timestamp (SO_TIMESTAMPNS) minus
// the clock read just before send(); both CLOCK_REALTIME, because that is the kernel's clock.
// Sending from one socket per endpoint (each needs its own port for symmetric RTP) leaves nothing
// for sendmmsg to batch; recvmmsg drains a socket in one call.
// Output: one JSON object on stdout at the end.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PERIOD_NS 20000000LL
#define PAYLOAD 160
#define RING 256 /* send records per endpoint: 5.12 s; also the payload pattern's period */
#define FINE 10000 /* histogram: 1 us buckets up to 10 ms ... */
#define COARSE 9900 /* ... then 100 us buckets up to 1 s, then one overflow bucket */
#define HIST (FINE + COARSE + 1)
#define BATCH 8
#define TICK_NS 100000LL
#define MAX_BURST 256 /* sends per loop turn at most, so receiving never starves */

struct slot { int64_t t; uint32_t ts; uint16_t seq; uint8_t state; uint8_t counted; };
enum { EMPTY, SENT, RECEIVED };

struct ep {
  int fd, rtcp_fd, peer;
  uint16_t lport, dport;
  uint8_t pt_out, pt_in, conv_in, cls; /* conv_in: 0 none, 1 A->u, 2 u->A; cls: 1 transcoding */
  uint16_t seq;
  uint32_t ts, ssrc, ovfl;
  int learned;
  uint16_t seq_off;
  uint32_t ts_off, rx_ssrc;
  uint64_t rx;
  struct slot ring[RING];
};

static struct ep *eps;
static int neps;
static uint8_t expect[3][RING][PAYLOAD]; /* expected payload by conversion and seq & 255 */
static uint64_t hist[3][HIST], late_hist[HIST]; /* latency by class: passthrough, transcoding, all */
static uint64_t lat_max[3], lat_sum[3];
static struct {
  uint64_t sent, sent_counted, recv, recv_counted, dup, corrupt, wrong_pt, ts_err, ssrc_changes,
      unmatched, malformed, late, rtcp_in, send_err, recv_err;
} st;
static volatile sig_atomic_t stop;

static int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}
static double cpu_s(void) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}
static void die(const char *what) { fprintf(stderr, "rtpload: %s: %s\n", what, strerror(errno)); exit(2); }
static void usage(const char *msg) { fprintf(stderr, "rtpload: %s\n", msg); exit(2); }
static void on_signal(int s) { (void)s; stop = 1; }

static int law_of(const char *s) {
  if (!strcasecmp(s, "a") || !strcasecmp(s, "pcma")) return 0;
  if (!strcasecmp(s, "u") || !strcasecmp(s, "pcmu")) return 1;
  usage("law must be a, u, PCMA or PCMU");
  return -1;
}

static void hist_add(uint64_t *h, int64_t us) {
  if (us < 0) us = 0;
  int i = us < FINE ? (int)us : us < FINE + COARSE * 100LL ? FINE + (int)((us - FINE) / 100) : HIST - 1;
  h[i]++;
}
static void record(int c, int64_t us) {
  hist_add(hist[c], us);
  lat_sum[c] += us;
  if ((uint64_t)us > lat_max[c]) lat_max[c] = us;
}
static double bucket_us(int i) { return i < FINE ? i : FINE + (i - FINE) * 100.0; }
static double pct(const uint64_t *h, double p) {
  uint64_t n = 0, seen = 0;
  for (int i = 0; i < HIST; i++) n += h[i];
  if (!n) return -1;
  uint64_t want = (uint64_t)(p * n); /* rank of the percentile, 0-based */
  for (int i = 0; i < HIST; i++) if ((seen += h[i]) > want) return bucket_us(i);
  return bucket_us(HIST - 1);
}

static int udp_socket(const char *ip, int port, int rx_opts) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket");
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
  inet_pton(AF_INET, ip, &a.sin_addr);
  if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) {
    fprintf(stderr, "rtpload: bind %s:%d: %s\n", ip, port, strerror(errno));
    exit(2);
  }
  if (rx_opts) { /* kernel receive time; per-socket drop count */
    int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
    setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof on);
  }
  return fd;
}

static void connect_to(int fd, const char *ip, int port) {
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
  inet_pton(AF_INET, ip, &a.sin_addr);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) die("connect");
}

static void send_one(struct ep *e, int64_t due, int64_t counted_from) {
  uint8_t pkt[12 + PAYLOAD];
  pkt[0] = 0x80;
  pkt[1] = e->pt_out;
  pkt[2] = e->seq >> 8; pkt[3] = e->seq & 0xff;
  uint32_t v[2] = {htonl(e->ts), htonl(e->ssrc)};
  memcpy(pkt + 4, v, 8);
  memcpy(pkt + 12, expect[0][e->seq & (RING - 1)], PAYLOAD);
  struct slot *s = &e->ring[e->seq & (RING - 1)];
  int64_t t = now_ns();
  *s = (struct slot){.t = t, .ts = e->ts, .seq = e->seq, .state = SENT, .counted = due >= counted_from};
  if (send(e->fd, pkt, sizeof pkt, 0) != (ssize_t)sizeof pkt) { /* e.g. ECONNREFUSED: a lost packet */
    st.send_err++;
    s->state = EMPTY;
  }
  st.sent++;
  if (s->counted) { st.sent_counted++; hist_add(late_hist, (t - due) / 1000); }
  e->seq++;
  e->ts += PAYLOAD;
}

static int find_pattern(const uint8_t *p, int conv) {
  for (int k = 0; k < RING; k++) if (!memcmp(p, expect[conv][k], PAYLOAD)) return k;
  return -1;
}

static void on_packet(struct ep *r, const uint8_t *p, ssize_t len, int64_t rx_ns, int64_t late_ns) {
  st.recv++;
  r->rx++;
  if (len < 12 || p[0] >> 6 != 2) { st.malformed++; return; }
  ssize_t off = 12 + 4 * (p[0] & 0x0f), end = len;
  if ((p[0] & 0x10) && off + 4 <= len) off += 4 + 4 * ((p[off + 2] << 8) | p[off + 3]);
  if (p[0] & 0x20) end -= p[len - 1];
  if (off > end) { st.malformed++; return; }
  if ((p[1] & 0x7f) != r->pt_in) { st.wrong_pt++; return; }
  uint16_t seq = (p[2] << 8) | p[3];
  uint32_t ts = ((uint32_t)p[4] << 24) | (p[5] << 16) | (p[6] << 8) | p[7];
  uint32_t ssrc = ((uint32_t)p[8] << 24) | (p[9] << 16) | (p[10] << 8) | p[11];
  const uint8_t *pl = p + off;
  struct ep *s = &eps[r->peer];
  if (!r->learned) {
    int k = end - off == PAYLOAD ? find_pattern(pl, r->conv_in) : -1;
    if (k < 0) { st.corrupt++; return; }
    struct slot *sl = &s->ring[k];
    if (sl->state == EMPTY) { st.unmatched++; return; }
    r->seq_off = seq - sl->seq;
    r->ts_off = ts - sl->ts;
    r->rx_ssrc = ssrc;
    r->learned = 1;
  } else if (ssrc != r->rx_ssrc) {
    st.ssrc_changes++;
    r->rx_ssrc = ssrc;
  }
  uint16_t sseq = seq - r->seq_off;
  struct slot *sl = &s->ring[sseq & (RING - 1)];
  if (sl->state == EMPTY || sl->seq != sseq) { st.unmatched++; return; }
  if (sl->state == RECEIVED) { st.dup++; return; }
  sl->state = RECEIVED;
  if (end - off != PAYLOAD || memcmp(pl, expect[r->conv_in][sseq & (RING - 1)], PAYLOAD)) st.corrupt++;
  if ((uint32_t)(ts - r->ts_off) != sl->ts) st.ts_err++;
  if (!sl->counted) return;
  st.recv_counted++;
  int64_t lat = rx_ns - sl->t;
  if (lat < 0) lat = 0;
  if (lat > late_ns) st.late++;
  record(r->cls, lat / 1000);
  record(2, lat / 1000);
}

static uint8_t rxbuf[BATCH][2048];
static char ctl[BATCH][CMSG_SPACE(sizeof(struct timespec)) + CMSG_SPACE(sizeof(uint32_t))];

static void drain(struct ep *r, int64_t late_ns) {
  struct mmsghdr m[BATCH];
  struct iovec iov[BATCH];
  for (int i = 0; i < BATCH; i++) {
    iov[i] = (struct iovec){rxbuf[i], sizeof rxbuf[i]};
    m[i].msg_hdr = (struct msghdr){.msg_iov = &iov[i], .msg_iovlen = 1, .msg_control = ctl[i],
                                   .msg_controllen = sizeof ctl[i]};
  }
  int n = recvmmsg(r->fd, m, BATCH, MSG_DONTWAIT, NULL);
  if (n < 0) { if (errno != EAGAIN) st.recv_err++; return; }
  int64_t fallback = 0;
  for (int i = 0; i < n; i++) {
    int64_t rx = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m[i].msg_hdr); c; c = CMSG_NXTHDR(&m[i].msg_hdr, c)) {
      if (c->cmsg_level != SOL_SOCKET) continue;
      if (c->cmsg_type == SO_TIMESTAMPNS) {
        struct timespec t;
        memcpy(&t, CMSG_DATA(c), sizeof t);
        rx = (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
      } else if (c->cmsg_type == SO_RXQ_OVFL) {
        memcpy(&r->ovfl, CMSG_DATA(c), sizeof r->ovfl);
      }
    }
    if (!rx) rx = fallback ? fallback : (fallback = now_ns());
    on_packet(r, rxbuf[i], m[i].msg_len, rx, late_ns);
  }
}

static void drain_rtcp(int fd) {
  while (recv(fd, rxbuf[0], sizeof rxbuf[0], MSG_DONTWAIT) >= 0) st.rtcp_in++;
}

static void print_lat(const char *name, int c, int comma) {
  uint64_t n = 0;
  for (int i = 0; i < HIST; i++) n += hist[c][i];
  printf("\"%s\":{\"count\":%llu,\"p50\":%.0f,\"p90\":%.0f,\"p99\":%.0f,\"p999\":%.0f,\"max\":%llu,"
         "\"mean\":%.1f}%s",
         name, (unsigned long long)n, pct(hist[c], .5), pct(hist[c], .9), pct(hist[c], .99),
         pct(hist[c], .999), (unsigned long long)lat_max[c], n ? (double)lat_sum[c] / n : -1.0,
         comma ? "," : "");
}

int main(int argc, char **argv) {
  const char *calls_path = "-", *tables_path = NULL, *host = "127.0.0.1", *bind_ip = "127.0.0.1";
  double seconds = 10, warmup = 1, drain_ms = 500, late_ms = 50;
  int spin = 0, direct = 0, rtcp = 1, rcvbuf = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--direct")) { direct = 1; continue; }
    if (!strcmp(a, "--no-rtcp")) { rtcp = 0; continue; }
    if (!strcmp(a, "--spin")) { spin = 1; continue; }
    if (!v) usage("usage: rtpload [--calls FILE|-] [--tables FILE] [--seconds S] [--warmup S] "
                  "[--drain-ms MS] [--late-ms MS] [--host IP] [--bind IP] [--rcvbuf B] [--direct] [--no-rtcp]");
    i++;
    if (!strcmp(a, "--calls")) calls_path = v;
    else if (!strcmp(a, "--tables")) tables_path = v;
    else if (!strcmp(a, "--seconds")) seconds = atof(v);
    else if (!strcmp(a, "--warmup")) warmup = atof(v);
    else if (!strcmp(a, "--drain-ms")) drain_ms = atof(v);
    else if (!strcmp(a, "--late-ms")) late_ms = atof(v);
    else if (!strcmp(a, "--host")) host = v;
    else if (!strcmp(a, "--bind")) bind_ip = v;
    else if (!strcmp(a, "--rcvbuf")) rcvbuf = atoi(v);
    else usage("unknown option (see the usage line: run with no value after an option)");
  }
  if (direct) rtcp = 0;

  uint8_t conv[2][256]; /* [0] A->u, [1] u->A */
  int have_tables = 0;
  if (tables_path) {
    FILE *f = fopen(tables_path, "rb");
    if (!f || fread(conv, 1, 512, f) != 512) usage("--tables must name a 512-byte file (A->u, u->A)");
    fclose(f);
    have_tables = 1;
  }
  for (int k = 0; k < RING; k++)
    for (int i = 0; i < PAYLOAD; i++) {
      uint8_t b = (k * 7 + i) & 0xff;
      expect[0][k][i] = b;
      expect[1][k][i] = have_tables ? conv[0][b] : b;
      expect[2][k][i] = have_tables ? conv[1][b] : b;
    }

  FILE *in = strcmp(calls_path, "-") ? fopen(calls_path, "r") : stdin;
  if (!in) die(calls_path);
  int cap = 0, ncalls = 0;
  struct call { int al, ad, bl, bd, pta, ptb, la, lb; } *calls = NULL;
  char line[256], lawa[16], lawb[16];
  while (fgets(line, sizeof line, in)) {
    struct call c;
    if (line[0] == '#' || line[0] == '\n') continue;
    if (sscanf(line, "%d %d %d %d %d %d %15s %15s", &c.al, &c.ad, &c.bl, &c.bd, &c.pta, &c.ptb, lawa,
               lawb) != 8)
      usage("call line: aLocal aDest bLocal bDest ptA ptB lawA lawB");
    c.la = law_of(lawa);
    c.lb = law_of(lawb);
    if (c.la != c.lb && !direct && !have_tables) usage("a transcoding call needs --tables");
    if (ncalls == cap) {
      cap = cap ? cap * 2 : 256;
      if (!(calls = realloc(calls, cap * sizeof *calls))) die("realloc");
    }
    calls[ncalls++] = c;
  }
  if (in != stdin) fclose(in);
  if (!ncalls) usage("no calls");

  neps = 2 * ncalls;
  struct rlimit nofile; /* 2 sockets per endpoint */
  if (!getrlimit(RLIMIT_NOFILE, &nofile) && nofile.rlim_cur < nofile.rlim_max) {
    nofile.rlim_cur = nofile.rlim_max;
    setrlimit(RLIMIT_NOFILE, &nofile);
  }
  if (!(eps = calloc(neps, sizeof *eps))) die("calloc");
  int efd = epoll_create1(EPOLL_CLOEXEC);
  if (efd < 0) die("epoll_create1");
  srand48(now_ns() ^ getpid());
  for (int i = 0; i < ncalls; i++) {
    struct call *c = &calls[i];
    struct ep *a = &eps[i], *b = &eps[ncalls + i]; /* A endpoints fill the first half period */
    *a = (struct ep){.lport = c->al, .dport = direct ? c->bl : c->ad, .pt_out = c->pta, .peer = ncalls + i};
    *b = (struct ep){.lport = c->bl, .dport = direct ? c->al : c->bd, .pt_out = c->ptb, .peer = i};
    a->pt_in = direct ? c->ptb : c->pta;
    b->pt_in = direct ? c->pta : c->ptb;
    a->cls = b->cls = c->la != c->lb;
    if (!direct && c->la != c->lb) {
      b->conv_in = c->la == 0 ? 1 : 2; /* what A sends, converted to B's law */
      a->conv_in = c->lb == 0 ? 1 : 2;
    }
  }
  for (int j = 0; j < neps; j++) {
    struct ep *e = &eps[j];
    e->fd = udp_socket(bind_ip, e->lport, 1);
    if (rcvbuf) setsockopt(e->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    connect_to(e->fd, host, e->dport);
    e->rtcp_fd = rtcp ? udp_socket(bind_ip, e->lport + 1, 0) : -1;
    e->seq = lrand48();
    e->ts = lrand48();
    e->ssrc = lrand48();
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)j * 2};
    if (epoll_ctl(efd, EPOLL_CTL_ADD, e->fd, &ev) < 0) die("epoll_ctl");
    if (rtcp) {
      ev.data.u32 = (uint32_t)j * 2 + 1;
      if (epoll_ctl(efd, EPOLL_CTL_ADD, e->rtcp_fd, &ev) < 0) die("epoll_ctl");
    }
  }
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  fprintf(stderr, "rtpload: %d calls, %d endpoints bound, %s\n", ncalls, neps, direct ? "direct" : "through the relay");

  const int64_t start = now_ns() + 50000000LL; /* a little lead so the first period is not late */
  const int64_t steady = start + (int64_t)(warmup * 1e9);
  const int64_t end_send = steady + (int64_t)(seconds * 1e9);
  const int64_t late_ns = (int64_t)(late_ms * 1e6);
  int64_t end = end_send + (int64_t)(drain_ms * 1e6), cycle = 0, steady_wall = 0, stop_wall = 0;
  double steady_cpu = 0, cpu_end = 0;
  int j = 0, sending = 1;
  struct epoll_event evs[256];
  while (!stop) {
    int64_t now = now_ns(), next = end;
    if (!steady_wall && now >= steady) { steady_wall = now; steady_cpu = cpu_s(); }
    int burst = 0, behind = 0;
    while (sending) {
      int64_t due = start + cycle * PERIOD_NS + PERIOD_NS * j / neps;
      if (due >= end_send) { /* done (later than end_send if sending fell behind) */
        sending = 0;
        stop_wall = now;
        cpu_end = cpu_s() - steady_cpu;
        end = now + (int64_t)(drain_ms * 1e6);
        break;
      }
      if (due > now) { next = due; break; }
      if (++burst > MAX_BURST) { behind = 1; break; } /* fell behind: let receives in first */
      send_one(&eps[j], due, steady);
      if (++j == neps) { j = 0; cycle++; }
    }
    if (!sending && now >= end) break;
    /* Sleep at least TICK_NS: sends due within it leave together (fewer wake-ups per packet;
       latency is unaffected since the send time is read at each send). */
    /* --spin: never sleep (poll epoll with a zero timeout), so packets for us never have to wake
       a sleeping task: on loopback the sender pays that wake-up (an IPI, costly in a VM) and the
       relay's CPU figures would include it. */
    int64_t wait = behind || spin ? 0 : next - now_ns();
    if (!behind && !spin && wait < TICK_NS) wait = TICK_NS;
    if (wait > 1000000) wait = 1000000;
    struct timespec to = {0, wait > 0 ? wait : 0};
    int n = epoll_pwait2(efd, evs, 256, &to, NULL);
    if (n < 0 && errno != EINTR) die("epoll_pwait2");
    for (int i = 0; i < n; i++) {
      uint32_t d = evs[i].data.u32;
      if (d & 1) drain_rtcp(eps[d >> 1].rtcp_fd);
      else drain(&eps[d >> 1], late_ns);
    }
  }
  if (sending) { stop_wall = now_ns(); cpu_end = cpu_s() - steady_cpu; }
  double wall = steady_wall ? (double)(stop_wall - steady_wall) / 1e9 : 0;

  uint64_t ovfl = 0, silent = 0;
  for (int k = 0; k < neps; k++) { ovfl += eps[k].ovfl; silent += eps[k].rx == 0; }
  int64_t lost = (int64_t)st.sent_counted - (int64_t)st.recv_counted;
  printf("{\"spin\":%s,", spin ? "true" : "false");
  printf("\"mode\":\"%s\",\"calls\":%d,\"endpoints\":%d,\"ptimeMs\":20,\"seconds\":%.3f,\"warmupSeconds\":%.3f,"
         "\"interrupted\":%s,",
         direct ? "direct" : "relay", ncalls, neps, wall, warmup, stop ? "true" : "false");
  printf("\"sent\":%llu,\"counted\":%llu,\"received\":%llu,\"lost\":%lld,\"lossPct\":%.4f,\"duplicates\":%llu,"
         "\"corrupt\":%llu,\"wrongPt\":%llu,\"timestampErrors\":%llu,\"ssrcChanges\":%llu,\"unmatched\":%llu,"
         "\"malformed\":%llu,\"late\":%llu,\"lateMs\":%g,\"rtcpIn\":%llu,\"sendErrors\":%llu,\"recvErrors\":%llu,"
         "\"rxQueueDrops\":%llu,\"silentReceivers\":%llu,",
         (unsigned long long)st.sent, (unsigned long long)st.sent_counted, (unsigned long long)st.recv_counted,
         (long long)lost, st.sent_counted ? 100.0 * lost / st.sent_counted : 0.0, (unsigned long long)st.dup,
         (unsigned long long)st.corrupt, (unsigned long long)st.wrong_pt, (unsigned long long)st.ts_err,
         (unsigned long long)st.ssrc_changes, (unsigned long long)st.unmatched, (unsigned long long)st.malformed,
         (unsigned long long)st.late, late_ms, (unsigned long long)st.rtcp_in, (unsigned long long)st.send_err,
         (unsigned long long)st.recv_err, (unsigned long long)ovfl, (unsigned long long)silent);
  printf("\"ppsOut\":%.0f,\"ppsIn\":%.0f,", wall ? st.sent_counted / wall : 0, wall ? st.recv_counted / wall : 0);
  printf("\"latencyUs\":{");
  print_lat("all", 2, 1);
  print_lat("passthrough", 0, 1);
  print_lat("transcoding", 1, 0);
  printf("},\"sendLateUs\":{\"p50\":%.0f,\"p99\":%.0f,\"p999\":%.0f},", pct(late_hist, .5), pct(late_hist, .99),
         pct(late_hist, .999));
  printf("\"cpu\":{\"seconds\":%.3f,\"cores\":%.3f}}\n", cpu_end, wall ? cpu_end / wall : 0);
  return 0;
}
