/** The one source of "now"; tests pass a fixed or advancing clock instead of mocking Date. */
export type Clock = { now: () => Date };

export const systemClock: Clock = { now: () => new Date() };

export const fixedClock = (start: Date | string): Clock & { advance: (ms: number) => void; set: (d: Date | string) => void } => {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    advance: (ms) => {
      t += ms;
    },
    set: (d) => {
      t = new Date(d).getTime();
    },
  };
};
