// RTP/RTCP protocol code (RFC 3550, 5761, 7983, 4733) and call-quality statistics (see docs/rtp.md).
export {};
