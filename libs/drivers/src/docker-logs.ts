/**
 * What a crashed container said last: Docker's multiplexed log stream (8-byte frame headers: stream type, 3 zero
 * bytes, big-endian length) turned into plain text.
 */

/**
 * Demultiplexes a non-TTY container's log bytes (stdout and stderr interleaved in order). Bytes that do not look
 * like frames (a TTY container's raw stream) are returned as they are.
 */
export function demuxLogs(buf: Buffer): string {
  const parts: Buffer[] = [];
  let off = 0;
  while (off + 8 <= buf.length) {
    const type = buf[off]!;
    if (type > 2 || buf[off + 1] !== 0 || buf[off + 2] !== 0 || buf[off + 3] !== 0) return buf.toString("utf8");
    const len = buf.readUInt32BE(off + 4);
    parts.push(buf.subarray(off + 8, Math.min(buf.length, off + 8 + len)));
    off += 8 + len;
  }
  if (off < buf.length && parts.length === 0) return buf.toString("utf8");
  return Buffer.concat(parts).toString("utf8");
}
