/** FPGA families the backend builds for; each is a flow of the same name. */
export type Family = "ice40" | "ecp5" | "gowin";

/** iCE40 parts the backend accepts, with the package it picks when none is given. */
export const ICE40_DEVICES: Record<string, string> = {
  lp384: "qn32",
  lp1k: "qn84",
  lp4k: "cm81",
  lp8k: "cm81",
  hx1k: "tq144",
  hx4k: "tq144",
  hx8k: "ct256",
  up3k: "sg48",
  up5k: "sg48",
  u1k: "sg48",
  u2k: "sg48",
  u4k: "sg48",
};

/** ECP5 parts (nextpnr-ecp5's names: 85k is the LFE5U-85F) and their default package. */
export const ECP5_DEVICES: Record<string, string> = {
  "85k": "CABGA381",
  "12k": "CABGA381",
  "25k": "CABGA381",
  "45k": "CABGA381",
  "um-25k": "CABGA381",
  "um-45k": "CABGA381",
  "um-85k": "CABGA381",
  "um5g-25k": "CABGA381",
  "um5g-45k": "CABGA381",
  "um5g-85k": "CABGA381",
};

/** Gowin part numbers (each names its package). */
export const GOWIN_DEVICES: Record<string, string> = {
  "GW1NR-LV9QN88PC6/I5": "QN88P",
  "GW1N-LV1QN48C6/I5": "QN48",
  "GW1NZ-LV1QN48C6/I5": "QN48",
  "GW1NSR-LV4CQN48PC7/I6": "QN48P",
  "GW2AR-LV18QN88C8/I7": "QN88",
  "GW2A-LV18PG256C8/I7": "PG256",
};

export interface FamilyInfo {
  label: string;
  devices: Record<string, string>;
  defaultDevice: string;
  /** The pin constraints file the family's nextpnr reads. */
  constraints: string;
}

export const FAMILIES: Record<Family, FamilyInfo> = {
  ice40: { label: "iCE40", devices: ICE40_DEVICES, defaultDevice: "up5k", constraints: ".pcf" },
  ecp5: { label: "ECP5", devices: ECP5_DEVICES, defaultDevice: "85k", constraints: ".lpf" },
  gowin: { label: "Gowin", devices: GOWIN_DEVICES, defaultDevice: "GW1NR-LV9QN88PC6/I5", constraints: ".cst" },
};

export function isFamily(flow: string): flow is Family {
  return flow in FAMILIES;
}

/** Whether ``path`` is a pin constraints file of any family. */
export function isConstraintsFile(path: string): boolean {
  const lower = path.toLowerCase();
  return Object.values(FAMILIES).some((family) => lower.endsWith(family.constraints));
}
