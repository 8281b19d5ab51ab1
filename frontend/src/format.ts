/** Formatting shared by the panels: dates, money, counts and vocabulary codes. */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "3 Mar 2024" from "2024-03-03"; '' for null. */
export function formatDate(d: string | null | undefined): string {
  if (!d) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(d);
  if (!m) return d;
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
}

/** "Mar 2024 – Dec 2025", "from Mar 2024", "until Dec 2025" or "dates unknown". */
export function formatPeriod(start: string | null | undefined, end: string | null | undefined): string {
  const month = (d: string) => {
    const m = /^(\d{4})-(\d{2})/.exec(d);
    return m ? `${MONTHS[Number(m[2]) - 1]} ${m[1]}` : d;
  };
  if (start && end) return `${month(start)} – ${month(end)}`;
  if (start) return `from ${month(start)}`;
  if (end) return `until ${month(end)}`;
  return 'dates unknown';
}

/** "USD 1,250,000"; '' without an amount. Amounts are never converted. */
export function formatMoney(amount: number | null | undefined, currency: string | null | undefined): string {
  if (amount === null || amount === undefined) return '';
  const n = new Intl.NumberFormat('en', { maximumFractionDigits: 0 }).format(amount);
  return currency ? `${currency} ${n}` : n;
}

/** "1.2M", "35k", "812". */
export function formatCompact(n: number): string {
  return new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 }).format(n);
}

export function formatCount(n: number): string {
  return new Intl.NumberFormat('en').format(n);
}

/** "1 activity", "3 activities". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** A readable label for a code without one from the server: "local_government_association" -> "Local government association". */
export function humanise(code: string): string {
  const s = code.replaceAll('_', ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}
