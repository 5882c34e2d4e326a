/** Running a supervised process inside a lab host's network namespace. */

/** `cmd args` run inside network namespace `ns` (`ip netns exec`, which execs: the PID is the command's own). */
export function inNetns(ns: string | undefined, cmd: string, args: string[]): { cmd: string; args: string[] } {
  return ns ? { cmd: "ip", args: ["netns", "exec", ns, cmd, ...args] } : { cmd, args };
}
