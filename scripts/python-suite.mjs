// Runs the Python package's own pytest suite with its `evaluate` answered by our engine (issue 19,
// defect 9). Not run by CI: the Python package is not vendored (its code is not ours to commit) and
// CI has no network beyond npm and Debian. Usage, after `npm run build`:
//
//   node scripts/python-suite.mjs <checkout of policygate/policygate-capital> [extra pytest args]
//
// How: a `sitecustomize.py` written to a temp dir and put first on PYTHONPATH (so it also reaches the
// demo the golden test runs as a subprocess) replaces `policygate_capital.engine.evaluator.evaluate`
// before anything imports it by name (policy_engine.py, replay.py, the tests). The replacement sends
// the inputs as snake_case JSON (`model_dump(mode="json")`) to one long-lived Node child per Python
// process, which evaluates them with our built SDK and answers one Decision JSON per line; the shim
// returns it as the package's `Decision` model. Three differences are accounted for, all of the
// harness, not of the engine:
// - null as absent: pydantic dumps an unset optional limit or override section as None, where the
//   YAML had nothing; the policy is sent with `exclude_none=True`, as it was written. (Our schema
//   also takes those nulls as absent: on 2026-12-03 the run passed the same without it.)
// - eval_ms: ours times every call, the Python `evaluate` does not (it returns eval_ms None and only
//   `PolicyEngine.evaluate` sets it, around the call). The shim sets it to None as theirs does, so
//   the determinism tests compare like with like and PolicyEngine still times the call (> 0);
// - int vs float: JSON written by JavaScript prints 2.0 as 2, and the golden test compares the demo's
//   audit log byte for byte. The shim makes the decision's numbers floats again, as Python's are
//   (all but the order counts and per-minute limits of EXEC-001/002, which are ints there).
// The script prints pytest's output and exits with pytest's code. Nothing is written to the checkout
// but what the suite itself writes (the demo's audit log); the temp dir is removed at the end.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const sdkUrl = new URL('../packages/policygate-capital/dist/index.js', import.meta.url);

const BRIDGE_JS = `// Written by python-suite.mjs: evaluates one request per stdin line with the TypeScript SDK.
import { createInterface } from 'node:readline';
const { parsePolicy, evaluate } = await import(${JSON.stringify(sdkUrl.href)});
const policies = new Map();
for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  let reply;
  try {
    const req = JSON.parse(line);
    const key = JSON.stringify(req.policy);
    let policy = policies.get(key);
    if (policy === undefined) policies.set(key, (policy = parsePolicy(req.policy)));
    reply = { decision: evaluate(req.intent, policy, req.portfolio, req.market, req.execution) };
  } catch (e) {
    const issues = Array.isArray(e?.issues) ? ' ' + JSON.stringify(e.issues) : '';
    reply = { error: String(e?.message ?? e) + issues };
  }
  process.stdout.write(JSON.stringify(reply) + '\\n');
}
`;

const SITECUSTOMIZE_PY = `# Written by python-suite.mjs (policygate-capital for TypeScript): routes the Python package's
# evaluate to the TypeScript engine through one Node child per process.
import atexit
import json
import os
import subprocess
import sys
import threading


def _install():
    try:
        from policygate_capital.engine import evaluator
        from policygate_capital.engine.decisions import Decision
    except Exception as e:  # not the package's tests (or not importable): leave Python alone
        sys.stderr.write("python-suite: policygate_capital not importable, evaluate not replaced: %r\\n" % (e,))
        return
    original = evaluator.evaluate
    lock = threading.Lock()
    state = {"proc": None, "calls": 0}

    def child():
        p = state["proc"]
        if p is None or p.poll() is not None:
            p = state["proc"] = subprocess.Popen(
                [os.environ["PG_TS_NODE"], os.environ["PG_TS_BRIDGE"]],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8", bufsize=1,
            )
        return p

    def ts_evaluate(intent, policy, portfolio, market, execution):
        request = json.dumps({
            "intent": intent.model_dump(mode="json"),
            # Null as absent: an unset optional limit or override is None in the dump, absent for us.
            "policy": policy.model_dump(mode="json", exclude_none=True),
            "portfolio": portfolio.model_dump(mode="json"),
            "market": market.model_dump(mode="json"),
            "execution": execution.model_dump(mode="json"),
        }, allow_nan=False)
        with lock:
            p = child()
            p.stdin.write(request + "\\n")
            p.stdin.flush()
            line = p.stdout.readline()
            state["calls"] += 1
        if not line:
            raise RuntimeError("python-suite: the Node bridge exited without answering")
        reply = json.loads(line)
        if "error" in reply:
            raise RuntimeError("python-suite: the TypeScript engine refused the input: " + reply["error"])
        decision = reply["decision"]
        # eval_ms: the Python evaluate does not time itself (None); PolicyEngine.evaluate sets it.
        decision["eval_ms"] = None
        # JSON from JavaScript has no int/float distinction (2.0 arrives as 2). In Python every number
        # of a decision is a float but the order counts and per-minute limits of EXEC-001/002.
        for e in decision["evidence"]:
            e["value"] = as_float(e["value"])
            e["limit"] = as_float(e["limit"])
        for v in decision["violations"]:
            if v["rule_id"] not in ("EXEC-001", "EXEC-002"):
                for part in (v["inputs"], v["computed"]):
                    for key in part:
                        part[key] = as_float(part[key])
        return Decision.model_validate(decision)

    def as_float(x):
        return float(x) if type(x) is int else x  # not bool (a subclass of int)

    ts_evaluate.__doc__ = "evaluate answered by the TypeScript engine (python-suite.mjs)"
    evaluator.evaluate = ts_evaluate
    for module in list(sys.modules.values()):  # anything that imported it by name already
        if getattr(module, "evaluate", None) is original:
            module.evaluate = ts_evaluate

    def report():
        p = state["proc"]
        if p is not None:
            p.stdin.close()
            p.wait(timeout=10)
        unpatched = sorted(
            name for name, module in list(sys.modules.items())
            if getattr(module, "evaluate", None) is original
        )
        with open(os.environ["PG_TS_REPORT"], "a", encoding="utf-8") as f:
            f.write(json.dumps({"pid": os.getpid(), "calls": state["calls"], "unpatched": unpatched}) + "\\n")

    atexit.register(report)


_install()
`;

function usage(message) {
  console.error(message);
  console.error('usage: node scripts/python-suite.mjs <checkout of the Python policygate-capital> [pytest args]');
  process.exit(2);
}

const [checkoutArg, ...pytestArgs] = process.argv.slice(2);
if (!checkoutArg) usage('missing the path of the Python package checkout');
const checkout = resolve(checkoutArg);
if (!existsSync(join(checkout, 'src', 'policygate_capital', 'engine', 'evaluator.py'))) {
  usage(`${checkout} is not a checkout of the Python package (no src/policygate_capital/engine/evaluator.py)`);
}
if (!existsSync(fileURLToPath(sdkUrl))) usage(`${fileURLToPath(sdkUrl)} is missing: run \`npm run build\` first`);

const dir = mkdtempSync(join(tmpdir(), 'pgc-python-suite-'));
const bridge = join(dir, 'bridge.mjs');
const report = join(dir, 'report.jsonl');
writeFileSync(bridge, BRIDGE_JS);
writeFileSync(join(dir, 'sitecustomize.py'), SITECUSTOMIZE_PY);
writeFileSync(report, '');

const python = process.env.PYTHON || 'python3';
const env = {
  ...process.env,
  PYTHONPATH: [dir, join(checkout, 'src'), process.env.PYTHONPATH].filter(Boolean).join(delimiter),
  PYTHONDONTWRITEBYTECODE: '1',
  PG_TS_NODE: process.execPath,
  PG_TS_BRIDGE: bridge,
  PG_TS_REPORT: report,
};
const pytest = spawn(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', ...pytestArgs], { cwd: checkout, env, stdio: 'inherit' });
const forward = (signal) => pytest.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);

pytest.on('error', (e) => {
  console.error(`python-suite: cannot run ${python}: ${e.message}`);
  rmSync(dir, { recursive: true, force: true });
  process.exit(2);
});
pytest.on('close', (code, signal) => {
  const lines = readFileSync(report, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  rmSync(dir, { recursive: true, force: true });
  const calls = lines.reduce((n, l) => n + l.calls, 0);
  console.log(`python-suite: ${calls} evaluate calls answered by the TypeScript engine (by Python process: ${lines.map((l) => l.calls).join(', ') || 'none'})`);
  const unpatched = [...new Set(lines.flatMap((l) => l.unpatched))];
  let exit = code ?? 1;
  if (unpatched.length > 0) {
    console.error(`python-suite: modules still holding the Python evaluate: ${unpatched.join(', ')}`);
    exit ||= 1;
  }
  if (calls === 0 && exit === 0) {
    console.error('python-suite: no evaluate call reached the TypeScript engine: the harness did not engage');
    exit = 1;
  }
  if (signal) console.error(`python-suite: pytest ended by ${signal}`);
  process.exit(exit);
});
