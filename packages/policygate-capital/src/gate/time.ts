// The gate's clock: RFC 3339 timestamps as integer microseconds since the Unix epoch.
//
// Windows are keyed by the intents' own timestamps (never the wall clock), so a replay of the same
// stream gives the same decisions. Microseconds are the resolution of the Python package's
// datetimes; digits beyond the sixth are truncated. Parsed by hand: Date.parse costs ~200 ns, accepts
// formats that are not RFC 3339 and maps years 0–99 to 1900–1999.

const SECOND_US = 1_000_000;
const DAY_US = 86_400 * SECOND_US;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The date of a day number (inverse of daysFromCivil). */
function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The digit at `s[i]`, or a large negative number (which makes any field built from it negative). */
function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1e9;
}

/** Two digits at `s[i..i+2)`, or a negative number. */
const two = (s: string, i: number): number => digit(s, i) * 10 + digit(s, i + 1);

/** The date a parse last computed a day number for: consecutive intents share their date. */
interface DateMemo {
  lastDate: number; // YYYYMMDD of the last valid date, -1 for none
  lastDays: number; // its day number
}

/**
 * Parses an RFC 3339 timestamp (`2026-02-18T14:30:00Z`, `…00.123456+02:00`; `T`/`t`/space, `Z`/`z`)
 * into microseconds since the epoch, UTC. Returns NaN when the text is not a valid timestamp,
 * including impossible dates (Feb 30), second 60 (Python's datetime refuses leap seconds), times
 * outside ±2^53 µs of the epoch (before 1685 or after 2255: not exact in a double) and non-strings.
 * Fraction digits beyond microseconds are truncated. For a stream of timestamps use a
 * {@link TimestampParser}, which remembers the last one.
 *
 * @example
 * ```ts
 * parseTimestampUs('1970-01-01T00:00:01Z') // 1_000_000
 * ```
 */
export function parseTimestampUs(s: unknown): number {
  return typeof s === 'string' ? parse(s, { lastDate: -1, lastDays: 0 }) : NaN;
}

/**
 * {@link parseTimestampUs} with a memory of the last text and date it parsed: consecutive intents
 * share their date, and often the whole stamp. Owned by whoever parses the stream (the gate's
 * clock), so no state is shared between gates.
 *
 * @example
 * ```ts
 * const p = new TimestampParser()
 * p.parse('2026-02-18T14:30:00Z') === parseTimestampUs('2026-02-18T14:30:00Z') // true
 * ```
 */
export class TimestampParser {
  private lastText = '';
  private lastUs = NaN;
  private readonly memo: DateMemo = { lastDate: -1, lastDays: 0 };

  /** As {@link parseTimestampUs}. */
  parse(s: unknown): number {
    if (s === this.lastText) return this.lastUs;
    if (typeof s !== 'string') return NaN;
    const us = parse(s, this.memo);
    this.lastText = s;
    this.lastUs = us;
    return us;
  }
}

// Every character is read once with charCodeAt (the cost that counts here: ~1.3 ns each).
function parse(s: string, memo: DateMemo): number {
  const n = s.length;
  if (n < 20) return NaN;
  const year = two(s, 0) * 100 + two(s, 2);
  const month = two(s, 5);
  const day = two(s, 8);
  const hour = two(s, 11);
  const minute = two(s, 14);
  const second = two(s, 17);
  const sep = s.charCodeAt(10);
  if (
    year < 0 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 59 ||
    s.charCodeAt(4) !== 45 ||
    s.charCodeAt(7) !== 45 ||
    s.charCodeAt(13) !== 58 ||
    s.charCodeAt(16) !== 58 ||
    (sep !== 84 && sep !== 116 && sep !== 32)
  )
    return NaN;
  const date = (year * 100 + month) * 100 + day;
  let days = memo.lastDays;
  if (date !== memo.lastDate) {
    if (day > (month === 2 && isLeap(year) ? 29 : MONTH_DAYS[month - 1]!)) return NaN;
    days = daysFromCivil(year, month, day);
    memo.lastDate = date;
    memo.lastDays = days;
  }
  const minuteUs = days * DAY_US + (hour * 60 + minute) * 60 * SECOND_US;
  let i = 19;
  let micros = 0;
  if (s.charCodeAt(i) === 46) {
    // '.' then at least one digit
    i++;
    const start = i;
    while (i < n) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      if (i - start < 6) micros = micros * 10 + c;
      i++;
    }
    if (i === start) return NaN;
    for (let k = Math.min(i - start, 6); k < 6; k++) micros *= 10;
  }
  let offsetMinutes = 0;
  const z = s.charCodeAt(i);
  if (z === 90 || z === 122) {
    i++;
  } else if (z === 43 || z === 45) {
    const oh = two(s, i + 1);
    const om = two(s, i + 4);
    if (oh < 0 || oh > 23 || om < 0 || om > 59 || s.charCodeAt(i + 3) !== 58) return NaN;
    offsetMinutes = (z === 43 ? 1 : -1) * (oh * 60 + om);
    i += 6;
  } else {
    return NaN;
  }
  if (i !== n) return NaN;
  const us = minuteUs + (second - offsetMinutes * 60) * SECOND_US + micros;
  // Beyond ±2^53 µs (years before 1685 or after 2255) a double cannot hold every microsecond, and
  // window arithmetic would round: such a timestamp is refused rather than compared inexactly.
  return Number.isSafeInteger(us) ? us : NaN;
}

const pad = (v: number, n: number) => String(v).padStart(n, '0');

/**
 * Formats microseconds since the epoch as RFC 3339 UTC: `2026-02-18T14:30:00Z`, or with six
 * fraction digits when the time is not a whole second (`…00.000001Z`). Round-trips through
 * {@link parseTimestampUs} exactly.
 */
export function formatTimestampUs(us: number): string {
  const days = Math.floor(us / DAY_US);
  let rest = us - days * DAY_US;
  const [y, m, d] = civilFromDays(days);
  const micros = rest % SECOND_US;
  rest = (rest - micros) / SECOND_US;
  const sec = rest % 60;
  const min = Math.floor(rest / 60) % 60;
  const hour = Math.floor(rest / 3600);
  const frac = micros === 0 ? '' : `.${pad(micros, 6)}`;
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}T${pad(hour, 2)}:${pad(min, 2)}:${pad(sec, 2)}${frac}Z`;
}

/** One second in the clock's unit. */
export const SECOND = SECOND_US;

/**
 * The gate's clock: the latest valid intent timestamp seen (µs), null before the first. It never
 * goes back.
 *
 * @example
 * ```ts
 * const clock = new GateClock()
 * clock.advance(parseTimestampUs('2026-02-18T14:30:00Z'))
 * clock.advance(0) // earlier: the clock stays, and the check is placed at the clock
 * ```
 */
export class GateClock {
  private readonly parser = new TimestampParser();

  constructor(private current: number | null = null) {}

  /** Reads an intent's timestamp (µs; NaN when it is not RFC 3339), remembering the last one. */
  read(timestamp: unknown): number {
    return this.parser.parse(timestamp);
  }

  /** The time in microseconds, null before the first timestamp. */
  get us(): number | null {
    return this.current;
  }

  /** Moves the clock to `us` if that is later; returns the clock (where an event at `us` is placed). */
  advance(us: number): number {
    const c = this.current;
    return (this.current = c === null || us > c ? us : c);
  }

  /** The time as RFC 3339 UTC, null before the first timestamp. */
  format(): string | null {
    return this.current === null ? null : formatTimestampUs(this.current);
  }
}
