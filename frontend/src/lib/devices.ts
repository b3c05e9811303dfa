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
