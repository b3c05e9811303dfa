import { useState, type ChangeEvent, type FormEvent } from "react";
import { Link, useNavigate } from "react-router-dom";
import { register } from "../api/auth";
import { useAuth } from "../auth/AuthContext";
import { errorMessage } from "../lib/format";

export function RegisterPage() {
  const { signIn } = useAuth();
  const navigate = useNavigate();
  const [form, setForm] = useState({ email: "", username: "", password: "" });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (key: keyof typeof form) => (e: ChangeEvent<HTMLInputElement>) =>
    setForm({ ...form, [key]: e.target.value });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await register({ ...form, email: form.email.trim(), username: form.username.trim() });
      await signIn(form.username.trim(), form.password);
      navigate("/projects", { replace: true });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="auth-form panel" onSubmit={submit}>
      <h1>Create an account</h1>
      <label>
        Email
        <input type="email" value={form.email} onChange={set("email")} autoComplete="email" required />
      </label>
      <label>
        Username
        <input value={form.username} onChange={set("username")} autoComplete="username" required />
      </label>
      <label>
        Password
        <input type="password" value={form.password} onChange={set("password")} autoComplete="new-password" required />
      </label>
      {error && <p className="error" role="alert">{error}</p>}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? "Creating…" : "Sign up"}
      </button>
      <p className="muted">
        Already registered? <Link to="/login">Sign in</Link>
      </p>
    </form>
  );
}
