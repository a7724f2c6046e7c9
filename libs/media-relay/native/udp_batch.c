// udp_batch: batched UDP receive for the media relay (Node-API addon, Linux).
//
// Why native: node:dgram delivers every datagram as its own JS callback with a fresh Buffer
// (an ArrayBuffer with malloc'd backing store) and an `rinfo` object. At tens of thousands of
// packets per second that is most of the relay's CPU besides the kernel, and the garbage makes
// the young-generation GC pause for milliseconds — the p99 latency tail. Node has no recvmmsg.
// This addon owns the relay's IPv4 UDP sockets: one epoll set (polled by libuv on Node's loop)
// holds them all; when any is readable, every ready socket is drained with recvmmsg into one
// preallocated shared buffer and JS is called ONCE for the whole batch. JS reads the packets
// in place (slot i at i * SLOT_BYTES, metadata in a shared Int32Array) and sends synchronously
// with send(): nothing is allocated per packet on this side.
//
// The protocol logic stays in TypeScript (libs/media-relay); this is only socket I/O.

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#define SLOTS 256
#define SLOT_BYTES 2048
#define META 4 /* token, length, IPv4 address (host order, as int32), port */
#define MAX_ROUNDS 8

typedef struct {
  napi_env env;
  napi_ref callback;
  napi_ref rx_ref, meta_ref;
  napi_async_context async;
  uint8_t *rx;
  int32_t *meta;
  int epfd;
  uv_poll_t poll;
  int closed;
  struct mmsghdr msgs[SLOTS];
  struct iovec iov[SLOTS];
  struct sockaddr_in addrs[SLOTS];
} batch_t;

#define CHECK(call)                                                                                \
  do {                                                                                             \
    if ((call) != napi_ok) {                                                                       \
      napi_throw_error(env, NULL, #call " failed");                                                \
      return NULL;                                                                                 \
    }                                                                                              \
  } while (0)

static void deliver(batch_t *b, int count) {
  napi_env env = b->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value cb, recv, argv[1], result;
  napi_get_reference_value(env, b->callback, &cb);
  napi_get_global(env, &recv); /* make_callback needs an object as `this` */
  napi_create_int32(env, count, &argv[0]);
  // The JS side catches everything itself; an exception here would be a bug in it.
  napi_status st = napi_make_callback(env, b->async, recv, cb, 1, argv, &result);
  if (st != napi_ok) {
    napi_value err;
    napi_get_and_clear_last_exception(env, &err);
  }
  napi_close_handle_scope(env, scope);
}

static void on_readable(uv_poll_t *handle, int status, int events) {
  (void)events;
  batch_t *b = handle->data;
  if (status < 0 || b->closed) return;
  for (int round = 0; round < MAX_ROUNDS; round++) {
    struct epoll_event ready[64];
    int n = epoll_wait(b->epfd, ready, 64, 0);
    if (n <= 0) return;
    int used = 0;
    for (int i = 0; i < n; i++) {
      int fd = (int)(ready[i].data.u64 >> 32);
      int32_t token = (int32_t)(ready[i].data.u64 & 0xffffffffu);
      while (used < SLOTS) {
        int want = SLOTS - used;
        for (int k = 0; k < want; k++) {
          b->iov[used + k].iov_base = b->rx + (size_t)(used + k) * SLOT_BYTES;
          b->iov[used + k].iov_len = SLOT_BYTES;
          memset(&b->msgs[used + k].msg_hdr, 0, sizeof(struct msghdr));
          b->msgs[used + k].msg_hdr.msg_iov = &b->iov[used + k];
          b->msgs[used + k].msg_hdr.msg_iovlen = 1;
          b->msgs[used + k].msg_hdr.msg_name = &b->addrs[used + k];
          b->msgs[used + k].msg_hdr.msg_namelen = sizeof(struct sockaddr_in);
        }
        int got = recvmmsg(fd, &b->msgs[used], (unsigned)want, MSG_DONTWAIT, NULL);
        if (got <= 0) break;
        for (int k = 0; k < got; k++) {
          int32_t *m = b->meta + (size_t)(used + k) * META;
          struct mmsghdr *h = &b->msgs[used + k];
          m[0] = token;
          /* Truncated datagrams (larger than a slot) are passed with their slot length plus a
             flag bit so JS can drop them: RTP over UDP from a sane peer is far below 2 KB. */
          m[1] = (h->msg_hdr.msg_flags & MSG_TRUNC) ? -1 : (int32_t)h->msg_len;
          m[2] = (int32_t)ntohl(b->addrs[used + k].sin_addr.s_addr);
          m[3] = ntohs(b->addrs[used + k].sin_port);
        }
        used += got;
        if (got < want) break;
      }
      if (used == SLOTS) break;
    }
    if (used > 0) deliver(b, used);
    if (b->closed) return;
  }
}

static void finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  (void)data; /* freed on uv close */
}

static void on_close(uv_handle_t *h) {
  batch_t *b = h->data;
  free(b);
}

/* create(callback, rx: Uint8Array(SLOTS*SLOT_BYTES), meta: Int32Array(SLOTS*META)) -> external */
static napi_value create(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  batch_t *b = calloc(1, sizeof(batch_t));
  if (!b) {
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  b->env = env;
  size_t len;
  napi_typedarray_type type;
  void *data;
  napi_value ab;
  size_t off;
  CHECK(napi_get_typedarray_info(env, argv[1], &type, &len, &data, &ab, &off));
  if (type != napi_uint8_array || len < SLOTS * SLOT_BYTES) {
    napi_throw_range_error(env, NULL, "rx must be a Uint8Array of SLOTS*SLOT_BYTES");
    return NULL;
  }
  b->rx = data;
  CHECK(napi_get_typedarray_info(env, argv[2], &type, &len, &data, &ab, &off));
  if (type != napi_int32_array || len < SLOTS * META) {
    napi_throw_range_error(env, NULL, "meta must be an Int32Array of SLOTS*4");
    return NULL;
  }
  b->meta = data;
  CHECK(napi_create_reference(env, argv[0], 1, &b->callback));
  CHECK(napi_create_reference(env, argv[1], 1, &b->rx_ref));
  CHECK(napi_create_reference(env, argv[2], 1, &b->meta_ref));
  napi_value name;
  CHECK(napi_create_string_utf8(env, "udp_batch", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_async_init(env, NULL, name, &b->async));
  b->epfd = epoll_create1(EPOLL_CLOEXEC);
  if (b->epfd < 0) {
    napi_throw_error(env, NULL, "epoll_create1 failed");
    return NULL;
  }
  struct uv_loop_s *loop;
  CHECK(napi_get_uv_event_loop(env, &loop));
  int rc = uv_poll_init(loop, &b->poll, b->epfd);
  if (rc == 0) {
    b->poll.data = b;
    rc = uv_poll_start(&b->poll, UV_READABLE, on_readable);
  }
  if (rc != 0) {
    close(b->epfd);
    napi_throw_error(env, NULL, uv_strerror(rc));
    return NULL;
  }
  napi_value ext;
  CHECK(napi_create_external(env, b, finalize, NULL, &ext));
  return ext;
}

static batch_t *unwrap(napi_env env, napi_value v) {
  void *p = NULL;
  if (napi_get_value_external(env, v, &p) != napi_ok) return NULL;
  return p;
}

/* bind(handle, ipv4 (int, host order), port, token, rcvbuf) -> fd or -errno */
static napi_value bind_socket(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  batch_t *b = unwrap(env, argv[0]);
  int32_t ip, port, token, rcvbuf;
  CHECK(napi_get_value_int32(env, argv[1], &ip));
  CHECK(napi_get_value_int32(env, argv[2], &port));
  CHECK(napi_get_value_int32(env, argv[3], &token));
  CHECK(napi_get_value_int32(env, argv[4], &rcvbuf));
  int result;
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (!b || b->closed || fd < 0) {
    result = fd < 0 ? -errno : -EBADF;
  } else {
    if (rcvbuf > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl((uint32_t)ip);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = ((uint64_t)(uint32_t)fd << 32) | (uint32_t)token};
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || epoll_ctl(b->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
      result = -errno;
      close(fd);
    } else {
      result = fd;
    }
  }
  napi_value out;
  CHECK(napi_create_int32(env, result, &out));
  return out;
}

/* close(handle, fd) */
static napi_value close_socket(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  batch_t *b = unwrap(env, argv[0]);
  int32_t fd;
  CHECK(napi_get_value_int32(env, argv[1], &fd));
  if (b && !b->closed) epoll_ctl(b->epfd, EPOLL_CTL_DEL, fd, NULL);
  if (fd >= 0) close(fd);
  return NULL;
}

/* send(fd, bytes: Uint8Array, ipv4 (int, host order), port) -> bytes sent or -errno */
static napi_value send_packet(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t fd, ip, port;
  CHECK(napi_get_value_int32(env, argv[0], &fd));
  CHECK(napi_get_value_int32(env, argv[2], &ip));
  CHECK(napi_get_value_int32(env, argv[3], &port));
  napi_typedarray_type type;
  size_t len, off;
  void *data;
  napi_value ab;
  CHECK(napi_get_typedarray_info(env, argv[1], &type, &len, &data, &ab, &off));
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  sa.sin_addr.s_addr = htonl((uint32_t)ip);
  ssize_t n = sendto(fd, data, len, MSG_DONTWAIT, (struct sockaddr *)&sa, sizeof sa);
  napi_value out;
  CHECK(napi_create_int32(env, n < 0 ? -errno : (int32_t)n, &out));
  return out;
}

/* destroy(handle): stops polling; sockets must be closed by the caller first. */
static napi_value destroy(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  batch_t *b = unwrap(env, argv[0]);
  if (!b || b->closed) return NULL;
  b->closed = 1;
  uv_poll_stop(&b->poll);
  close(b->epfd);
  napi_delete_reference(env, b->callback);
  napi_delete_reference(env, b->rx_ref);
  napi_delete_reference(env, b->meta_ref);
  napi_async_destroy(env, b->async);
  uv_close((uv_handle_t *)&b->poll, on_close);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"create", NULL, create, NULL, NULL, NULL, napi_default, NULL},
      {"bind", NULL, bind_socket, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, close_socket, NULL, NULL, NULL, napi_default, NULL},
      {"send", NULL, send_packet, NULL, NULL, NULL, napi_default, NULL},
      {"destroy", NULL, destroy, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_value slots, slot_bytes, meta;
  napi_create_int32(env, SLOTS, &slots);
  napi_create_int32(env, SLOT_BYTES, &slot_bytes);
  napi_create_int32(env, META, &meta);
  napi_set_named_property(env, exports, "SLOTS", slots);
  napi_set_named_property(env, exports, "SLOT_BYTES", slot_bytes);
  napi_set_named_property(env, exports, "META", meta);
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
