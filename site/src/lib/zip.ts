// A ZIP archive of a few small text files, stored without compression: what `unzip`, the
// operating systems' archive tools and Python's zipfile open. Written here (about 60 lines) instead
// of adding a dependency to the page: the files are a few kilobytes each.

/** One file of an archive: its name (no folders) and its text (stored as UTF-8). */
export interface ZipFile {
  name: string;
  text: string;
}

// CRC-32 (IEEE 802.3, the one ZIP uses), table-driven.
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** The CRC-32 of `bytes`, as ZIP records it. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// DOS date and time of `date` (local time, 2-second resolution), as ZIP headers hold them.
function dosDateTime(date: Date): [time: number, day: number] {
  const year = Math.max(date.getFullYear(), 1980);
  return [(date.getHours() << 11) | (date.getMinutes() << 5) | (date.getSeconds() >> 1), ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate()];
}

/**
 * A stored (uncompressed) ZIP archive of `files`, in their order. Names are UTF-8 (flag bit 11).
 *
 * @example
 * ```ts
 * const blob = new Blob([zipStored([{ name: 'log.jsonl', text }])], { type: 'application/zip' })
 * ```
 */
export function zipStored(files: readonly ZipFile[], date = new Date()): Uint8Array<ArrayBuffer> {
  const utf8 = new TextEncoder();
  const [time, day] = dosDateTime(date);
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const file of files) {
    const name = utf8.encode(file.name);
    const data = utf8.encode(file.text);
    const crc = crc32(data);
    const local = new Uint8Array(30 + name.length + data.length);
    const l = new DataView(local.buffer);
    l.setUint32(0, 0x04034b50, true); // local file header
    l.setUint16(4, 20, true); // version needed: 2.0
    l.setUint16(6, 0x0800, true); // names are UTF-8
    l.setUint16(8, 0, true); // stored
    l.setUint16(10, time, true);
    l.setUint16(12, day, true);
    l.setUint32(14, crc, true);
    l.setUint32(18, data.length, true);
    l.setUint32(22, data.length, true);
    l.setUint16(26, name.length, true);
    local.set(name, 30);
    local.set(data, 30 + name.length);
    const central = new Uint8Array(46 + name.length);
    const c = new DataView(central.buffer);
    c.setUint32(0, 0x02014b50, true); // central directory header
    c.setUint16(4, 20, true); // made by 2.0
    c.setUint16(6, 20, true);
    c.setUint16(8, 0x0800, true);
    c.setUint16(10, 0, true);
    c.setUint16(12, time, true);
    c.setUint16(14, day, true);
    c.setUint32(16, crc, true);
    c.setUint32(20, data.length, true);
    c.setUint32(24, data.length, true);
    c.setUint16(28, name.length, true);
    c.setUint32(42, offset, true); // where the local header is
    central.set(name, 46);
    locals.push(local);
    centrals.push(central);
    offset += local.length;
  }
  const centralSize = centrals.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const e = new DataView(end.buffer);
  e.setUint32(0, 0x06054b50, true); // end of central directory
  e.setUint16(8, files.length, true);
  e.setUint16(10, files.length, true);
  e.setUint32(12, centralSize, true);
  e.setUint32(16, offset, true);
  const out = new Uint8Array(offset + centralSize + end.length);
  let at = 0;
  for (const part of [...locals, ...centrals, end]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
