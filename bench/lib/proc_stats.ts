/**
 * Reads a process's own counters from /proc: CPU time and resident memory.
 * The benchmark reads the server's counters, so the load generator sharing
 * the machine's cores does not blur the comparison.
 *
 * @module
 */

/** Kernel clock ticks per second for utime/stime in /proc/<pid>/stat. */
const CLOCK_TICKS_PER_SECOND = 100;
/** Field positions (after the command name) of utime and stime. */
const UTIME_FIELD = 11;
const STIME_FIELD = 12;

/**
 * CPU time (user + system, all threads) the process has used, in ms.
 *
 * @param pid Process id.
 * @returns Milliseconds of CPU time.
 */
export async function cpuTimeMs(pid: number): Promise<number> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
  // The command name may contain spaces; fields start after its ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[UTIME_FIELD]) + Number(fields[STIME_FIELD]);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

/**
 * Resident memory of the process (VmRSS), in bytes.
 *
 * @param pid Process id.
 * @returns Bytes resident.
 */
export async function residentBytes(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const match = status.match(/^VmRSS:\s+(\d+)\s+kB$/m);
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}
