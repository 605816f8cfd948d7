// Runs an example client as a child process against a listening server and collects its output.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

export interface ClientRun { code: number | null; stdout: string; stderr: string }

export function runClient(command: string, args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<ClientRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${command} timed out:\n${stdout}\n${stderr}`)); }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

/** The output split into its "== title" sections. */
export function sections(output: string): Map<string, string> {
  const found = new Map<string, string>();
  let title = '';
  for (const line of output.split('\n')) {
    if (line.startsWith('== ')) { title = line.slice(3); found.set(title, ''); } else if (title) found.set(title, found.get(title)! + line + '\n');
  }
  return found;
}
