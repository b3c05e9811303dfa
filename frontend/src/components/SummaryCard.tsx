import { useEffect, useState } from "react";
import { getJobSummary } from "../api/jobs";
import type { BuildSummary, Job, JobSummary, SimulatedTime, SimulationSummary } from "../api/types";
import { errorMessage } from "../lib/format";

const UNITS: [string, number][] = [["s", 1], ["ms", 1e-3], ["us", 1e-6], ["ns", 1e-9], ["ps", 1e-12]];
const SMALLEST: [string, number] = ["fs", 1e-15];

/** "83.33 us": the largest unit that keeps the number at least 1. */
export function formatSimulatedTime(time: SimulatedTime): string {
  if (time.seconds === 0) return "0 s";
  const [unit, scale] = UNITS.find(([, s]) => time.seconds >= s) ?? SMALLEST;
  return `${Number((time.seconds / scale).toPrecision(4))} ${unit}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** The summary of a finished job (GET …/summary), fetched once it has ended; nothing if it has none. */
export function SummaryCard({ job, reloadKey }: { job: Job; reloadKey: number }) {
  const [summary, setSummary] = useState<JobSummary | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    getJobSummary(job)
      .then((found) => !cancelled && setSummary(found))
      .catch((err: unknown) => !cancelled && setError(errorMessage(err)));
    return () => {
      cancelled = true;
    };
  }, [job.id, job.project_id, reloadKey]);

  if (error) return <p className="error">Summary: {error}</p>;
  if (!summary) return null;
  return (
    <section className="panel summary-card" data-testid="summary-card">
      <h2>Summary</h2>
      {summary.kind === "build" ? <BuildDetails summary={summary} /> : <SimulationDetails summary={summary} />}
      {summary.sources.length > 0 && (
        <p className="muted" data-testid="summary-sources">
          Sources, in this order: {summary.sources.join(" ")}
        </p>
      )}
    </section>
  );
}

function BuildDetails({ summary }: { summary: BuildSummary }) {
  const used = Object.entries(summary.utilization).filter(([, use]) => use.used > 0);
  const cells = Object.values(summary.cells).reduce((total, count) => total + count, 0);
  const target = [summary.device, summary.package].filter(Boolean).join("/");
  return (
    <>
      <p className="muted">
        {summary.flow} build{target && ` · ${target}`}{summary.top && ` · ${summary.top}`}
      </p>
      {used.length > 0 && (
        <table className="summary-table" data-testid="summary-utilization">
          <thead>
            <tr><th>Resource</th><th>Used</th><th>Available</th><th>%</th></tr>
          </thead>
          <tbody>
            {used.map(([kind, use]) => (
              <tr key={kind}>
                <td>{kind}</td><td>{use.used}</td><td>{use.available}</td><td>{use.percent}%</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {summary.clocks.length > 0 && (
        <table className="summary-table" data-testid="summary-clocks">
          <thead>
            <tr><th>Clock</th><th>Fmax (MHz)</th><th>Target (MHz)</th><th>Timing</th></tr>
          </thead>
          <tbody>
            {summary.clocks.map((clock) => (
              <tr key={clock.clock}>
                <td>{clock.clock}</td>
                <td>{clock.achieved_mhz.toFixed(1)}</td>
                <td>{clock.target_mhz.toFixed(1)}</td>
                <td className={clock.passed ? "timing-pass" : "timing-fail"}>{clock.passed ? "PASS" : "FAIL"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p data-testid="summary-counts">
        {plural(cells, "cell")} · {plural(summary.warnings, "warning")} · {plural(summary.errors, "error")}
      </p>
    </>
  );
}

function SimulationDetails({ summary }: { summary: SimulationSummary }) {
  const time = summary.simulated_time ? formatSimulatedTime(summary.simulated_time) : "unknown";
  return (
    <p data-testid="summary-counts">
      <span className={summary.passed ? "timing-pass" : "timing-fail"}>{summary.passed ? "Passed" : "Failed"}</span>
      {` · ${plural(summary.output_lines, "output line")} · ${summary.errors} $error · ${summary.fatals} $fatal · `}
      {`${plural(summary.warnings, "warning")} · simulated time ${time}`}
    </p>
  );
}
