import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { BuildConfig } from "../src/api/types";
import { BuildForm } from "../src/components/BuildForm";

const FILES = ["icebreaker.pcf", "ulx3s.lpf", "boards/tangnano9k.cst"];

function submitted(fill: () => void): BuildConfig[] {
  const configs: BuildConfig[] = [];
  render(<BuildForm constraintFiles={FILES} busy={false} onSubmit={(config) => configs.push(config)} />);
  fill();
  fireEvent.submit(screen.getByRole("form", { name: "Build" }));
  return configs;
}

describe("BuildForm", () => {
  it("builds for the iCEBreaker by default with the project's .pcf", () => {
    expect(submitted(() => {})).toEqual([{ flow: "ice40", device: "up5k", pcf: "icebreaker.pcf", frequency_mhz: 12 }]);
  });

  it("offers each family's devices and its own constraints files", () => {
    const configs = submitted(() => {
      fireEvent.change(screen.getByLabelText("Flow"), { target: { value: "gowin" } });
      const constraints = screen.getByLabelText("Constraints (.cst)");
      expect(Array.from(constraints.querySelectorAll("option"), (option) => option.textContent)).toEqual([
        "none",
        "boards/tangnano9k.cst",
      ]);
      fireEvent.change(screen.getByLabelText("Frequency (MHz)"), { target: { value: "27" } });
    });
    expect(configs).toEqual([
      { flow: "gowin", device: "GW1NR-LV9QN88PC6/I5", pcf: "boards/tangnano9k.cst", frequency_mhz: 27 },
    ]);
  });

  it("sends an ECP5 device and package as chosen", () => {
    const configs = submitted(() => {
      fireEvent.change(screen.getByLabelText("Flow"), { target: { value: "ecp5" } });
      fireEvent.change(screen.getByLabelText("Device"), { target: { value: "25k" } });
      fireEvent.change(screen.getByLabelText("Package"), { target: { value: "CABGA256" } });
    });
    expect(configs).toEqual([
      { flow: "ecp5", device: "25k", package: "CABGA256", pcf: "ulx3s.lpf", frequency_mhz: 12 },
    ]);
  });
});
