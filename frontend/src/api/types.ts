// Every shape the a6hub backend sends or accepts (all under /api/v1).

export type Id = number;

export interface ApiErrorBody {
  detail: string;
  code: string;
}

// ---- auth ----
export interface User {
  id: Id;
  email: string;
  username: string;
  is_admin: boolean;
  created_at: string;
}

export interface RegisterRequest {
  email: string;
  username: string;
  password: string;
}

export interface LoginRequest {
  /** A username or an email address. */
  username: string;
  password: string;
}

export interface TokenResponse {
  access_token: string;
  token_type: "bearer";
  expires_in: number;
}

// ---- projects ----
export type Visibility = "private" | "public";

export interface Project {
  id: Id;
  name: string;
  slug: string;
  description: string | null;
  visibility: Visibility;
  owner_id: Id;
  owner_username: string;
  created_at: string;
  updated_at: string;
}

export interface ProjectCreate {
  name: string;
  description?: string;
  visibility: Visibility;
}

export type ProjectUpdate = Partial<ProjectCreate>;

// ---- files ----
export interface ProjectFile {
  path: string;
  size_bytes: number;
  content_hash: string;
  updated_at: string;
}

// ---- jobs ----
export type JobType = "build" | "simulation";
export type JobStatus = "pending" | "running" | "completed" | "failed" | "cancelled";
export type StepStatus = JobStatus;

export const TERMINAL_STATUSES: readonly JobStatus[] = ["completed", "failed", "cancelled"];

export function isTerminal(status: JobStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export type BuildFlow = "ice40" | "ecp5" | "gowin" | "synth";

export interface BuildConfig {
  flow: BuildFlow;
  top?: string;
  device?: string;
  package?: string;
  pcf?: string;
  frequency_mhz?: number;
  files?: string[];
  synth_options?: string[];
  pnr_options?: string[];
  defines?: Record<string, string>;
  include_dirs?: string[];
  parameters?: Record<string, string>;
}

export type VerilogGeneration = "2001" | "2005" | "2005-sv" | "2009" | "2012";

export interface SimulationConfig {
  top: string;
  files?: string[];
  timeout_s?: number;
  plusargs?: string[];
  defines?: Record<string, string>;
  include_dirs?: string[];
  parameters?: Record<string, string>;
  generation?: VerilogGeneration;
  waveform?: "vcd" | "fst";
}

export type JobCreate =
  | { job_type: "build"; config: BuildConfig }
  | { job_type: "simulation"; config: SimulationConfig };

export interface JobStep {
  name: string;
  label: string;
  status: StepStatus;
  started_at: string | null;
  finished_at: string | null;
}

export interface ProgressData {
  progress_percent: number;
  current_step: string | null;
  completed_steps: string[];
  steps: JobStep[];
}

export interface Job {
  id: Id;
  project_id: Id;
  user_id: Id;
  job_type: JobType;
  status: JobStatus;
  config: BuildConfig | SimulationConfig;
  progress_data: ProgressData | null;
  error_message: string | null;
  last_seq: number;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
}

export interface JobList {
  items: Job[];
  total: number;
  limit: number;
  offset: number;
}

export interface Artifact {
  name: string;
  size_bytes: number;
  sha256: string;
  url: string;
}

export interface LogChunk {
  text: string;
  nextOffset: number;
  moreData: boolean;
}

// ---- job events (REST /events and WebSocket) ----
export interface JobEventDataMap {
  status: { status: JobStatus };
  progress: { progress: number; current_step: string; completed_steps: string[] };
  log: { log_line: string };
  step: { step_name: string; step_label: string };
  complete: { status: JobStatus; message: string };
  error: { error_message: string };
}

export type JobEventType = keyof JobEventDataMap;

export type JobEvent = {
  [K in JobEventType]: { type: K; data: JobEventDataMap[K]; timestamp: string; seq: number };
}[JobEventType];

export interface EventsPage {
  events: JobEvent[];
  last_seq: number;
  done: boolean;
}

export interface ConnectedData {
  job_id: Id;
  status: JobStatus;
  current_step: string | null;
  progress: number;
  completed_steps: string[];
  last_seq: number;
}

/** Messages without a seq: they are about the connection, not the job. */
export type ControlMessage =
  | { type: "connected"; data: ConnectedData; timestamp?: string }
  | { type: "pong"; data: Record<string, never>; timestamp?: string }
  | { type: "error"; data: { error_message: string }; timestamp?: string };

export type ServerMessage = JobEvent | ControlMessage;

export interface WsTicket {
  ticket: string;
  expires_in: number;
}

// ---- admin ----
export interface AdminConnection {
  process: string;
  user_id: Id;
  /** null if the account is gone: the page then shows "user #<id>". */
  username?: string | null;
  connection_id?: number;
  job_id: Id;
  connected_at: string;
  frames_sent: number;
  queue_depth: number;
  last_seq_sent: number;
}

export interface AdminConnections {
  connections: AdminConnection[];
}

/** GET …/jobs/{id}/summary: what a hardware engineer looks at first. */
export interface ResourceUse {
  used: number;
  available: number;
  percent: number;
}

export interface ClockTiming {
  clock: string;
  achieved_mhz: number;
  target_mhz: number;
  passed: boolean;
}

export interface BuildSummary {
  kind: "build";
  flow: string;
  device: string | null;
  package: string | null;
  top: string | null;
  sources: string[];
  utilization: Record<string, ResourceUse>;
  clocks: ClockTiming[];
  timing_met: boolean | null;
  cells: Record<string, number>;
  warnings: number;
  errors: number;
}

export interface SimulatedTime {
  value: number;
  unit: string;
  seconds: number;
}

export interface SimulationSummary {
  kind: "simulation";
  top: string | null;
  sources: string[];
  passed: boolean;
  output_lines: number;
  errors: number;
  fatals: number;
  warnings: number;
  simulated_time: SimulatedTime | null;
  waveforms: string[];
}

export type JobSummary = BuildSummary | SimulationSummary;
