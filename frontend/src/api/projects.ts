import { apiJson } from "./client";
import type { Id, Project, ProjectCreate, ProjectUpdate } from "./types";

export type ProjectScope = "mine" | "public";

export function listProjects(scope: ProjectScope = "mine"): Promise<Project[]> {
  return apiJson<Project[]>(scope === "public" ? "/projects?scope=public" : "/projects");
}

export function createProject(body: ProjectCreate): Promise<Project> {
  return apiJson<Project>("/projects", { method: "POST", json: body });
}

export function getProject(id: Id): Promise<Project> {
  return apiJson<Project>(`/projects/${id}`);
}

export function updateProject(id: Id, body: ProjectUpdate): Promise<Project> {
  return apiJson<Project>(`/projects/${id}`, { method: "PATCH", json: body });
}

export function deleteProject(id: Id): Promise<void> {
  return apiJson<void>(`/projects/${id}`, { method: "DELETE" });
}
