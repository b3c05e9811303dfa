import { ApiError, apiJson, apiRequest } from "./client";
import type { Artifact, EventsPage, Id, Job, JobCreate, JobList, JobSummary, LogChunk } from "./types";

const base = (projectId: Id) => `/projects/${projectId}/jobs`;

export function createJob(projectId: Id, body: JobCreate): Promise<Job> {
  return apiJson<Job>(base(projectId), { method: "POST", json: body });
}

export function listJobs(projectId: Id, limit = 20, offset = 0): Promise<JobList> {
  return apiJson<JobList>(`${base(projectId)}?limit=${limit}&offset=${offset}`);
}

/** Looks a job up without knowing its project. */
export function getJob(jobId: Id): Promise<Job> {
  return apiJson<Job>(`/jobs/${jobId}`);
}

export function cancelJob(job: Pick<Job, "id" | "project_id">): Promise<Job> {
  return apiJson<Job>(`${base(job.project_id)}/${job.id}/cancel`, { method: "POST" });
}

export async function fetchLogChunk(job: Pick<Job, "id" | "project_id">, offset = 0): Promise<LogChunk> {
  const response = await apiRequest(`${base(job.project_id)}/${job.id}/logs?offset=${offset}`);
  const text = await response.text();
  const header = response.headers.get("X-Log-Offset");
  const nextOffset = header !== null && header !== "" ? Number(header) : offset + new TextEncoder().encode(text).length;
  return { text, nextOffset, moreData: response.headers.get("X-More-Data") === "true" };
}

/** The whole log as one string; stops when the server says no more or the offset stalls. */
export async function fetchFullLog(job: Pick<Job, "id" | "project_id">): Promise<string> {
  const parts: string[] = [];
  let offset = 0;
  for (let guard = 0; guard < 10_000; guard += 1) {
    const chunk = await fetchLogChunk(job, offset);
    parts.push(chunk.text);
    if (!chunk.moreData || chunk.nextOffset <= offset) break;
    offset = chunk.nextOffset;
  }
  return parts.join("");
}

export function fetchJobEvents(job: Pick<Job, "id" | "project_id">, since: number, limit = 1000): Promise<EventsPage> {
  return apiJson<EventsPage>(`${base(job.project_id)}/${job.id}/events?since=${since}&limit=${limit}`);
}

export function listArtifacts(job: Pick<Job, "id" | "project_id">): Promise<Artifact[]> {
  return apiJson<Artifact[]>(`${base(job.project_id)}/${job.id}/artifacts`);
}

/** The ended job's summary; null while it has none (404: still running, cancelled, or failed early). */
export async function getJobSummary(job: Pick<Job, "id" | "project_id">): Promise<JobSummary | null> {
  try {
    return await apiJson<JobSummary>(`${base(job.project_id)}/${job.id}/summary`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

const projectOfJob = new Map<Id, Id>();

/** /events is project-scoped; this finds (and remembers) the job's project first. */
export async function fetchEventsByJobId(jobId: Id, since: number): Promise<EventsPage> {
  let projectId = projectOfJob.get(jobId);
  if (projectId === undefined) {
    projectId = (await getJob(jobId)).project_id;
    projectOfJob.set(jobId, projectId);
  }
  return fetchJobEvents({ id: jobId, project_id: projectId }, since);
}
