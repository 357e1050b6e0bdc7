// Harness of portalid's local Step Functions (internal/local/sfn*.go): one
// long-lived Node process that runs real ASL definitions with
// aws-local-stepfunctions 3.0.0.
//
// Protocol: JSON lines. The Go side writes requests on stdin
//   {"id":1,"op":"init","callback":"http://127.0.0.1:P/task","secret":"…"}
//   {"id":2,"op":"define","machine":ARN,"definition":"<ASL text>"}
//   {"id":3,"op":"start","machine":ARN,"execution":ARN,"name":"…","input":"<JSON text>",
//            "time":{"dayMs":1000,"instant":false}}
//   {"id":4,"op":"sendTaskSuccess","token":"…","output":"<JSON text>"}
//   {"id":5,"op":"sendTaskFailure","token":"…","error":"…","cause":"…"}
//   {"id":6,"op":"stop","execution":ARN,"error":"…","cause":"…"}
// and reads on stdout {"ready":true} once, then answers
//   {"id":N,"ok":true} or {"id":N,"error":{"code":"…","message":"…"}}
// and, as executions run, in order,
//   {"execution":ARN,"event":{"kind":"entered|exited|failed|retried|caught",…}}
//   {"execution":ARN,"end":{"status":"SUCCEEDED|FAILED|TIMED_OUT|ABORTED",…}}
// Every Task calls back into Go: POST {execution, state, resource,
// functionName?, input, taskToken?, now} to the callback URL, answered
// {"output":…} or {"error":name,"cause":…}. The process exits when stdin
// closes, so it cannot outlive the Go process.

import readline from 'node:readline';
import { randomBytes, randomUUID } from 'node:crypto';
import { ExecutionAbortedError, ExecutionError, StateMachine } from 'aws-local-stepfunctions';

import { Clock, sleep } from './clock.mjs';
import {
  coded, inspect, namedError, referencePath, runCopy, runtimeError, TIMEOUT_PARAMETER,
} from './definition.mjs';

const machines = new Map(); // state machine ARN → { definition, tasks, waits, timeoutSeconds }
const executions = new Map(); // execution ARN → running execution
const tokens = new Map(); // task token → { exec, status, resolve, reject }
const validDefinitions = new Set(); // definition texts that passed validation
let callback = null; // { url, secret }

const TOKEN_PREFIX = 'local1.';

function send(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

// StatesTimeoutError is the engine's own timeout error class, which it does
// not export: the harness times tasks itself and must throw an instance of
// it, because the engine's States.TaskFailed wildcard skips only errors
// that are `instanceof` this class (a plain error named States.Timeout
// would be caught by States.TaskFailed, unlike in AWS). One Task that never
// answers, with a 1 ms timeout, yields one.
async function probeTimeoutError() {
  const probe = new StateMachine(
    { StartAt: 'Probe', States: { Probe: { Type: 'Task', Resource: 'probe', TimeoutSeconds: 0.001, End: true } } },
    { validationOptions: { noValidate: true } },
  );
  const run = probe.run(null, { overrides: { taskResourceLocalHandlers: { Probe: () => new Promise(() => {}) } } });
  try {
    await run.result;
  } catch (e) {
    const err = e?.cause;
    if (e instanceof ExecutionError && err?.name === 'States.Timeout' && err instanceof Error) return err.constructor;
  }
  throw new Error('cannot find the engine\'s States.Timeout error class (aws-local-stepfunctions changed?)');
}

const StatesTimeoutError = await probeTimeoutError();

const ops = {
  init({ callback: url, secret }) {
    if (typeof url !== 'string' || !url.startsWith('http://127.0.0.1:') || !secret) {
      throw coded('InvalidParameter', 'callback must be an http://127.0.0.1 URL, with a secret');
    }
    callback = { url, secret };
  },

  define({ machine, definition }) {
    let def;
    try {
      def = JSON.parse(definition);
    } catch (e) {
      throw coded('InvalidDefinition', `definition is not JSON: ${e.message}`);
    }
    const info = inspect(def);
    if (!validDefinitions.has(definition)) {
      try {
        // The engine's validator (asl-validator) adds fields to what it
        // checks, so it gets its own copy.
        new StateMachine(JSON.parse(definition)); // eslint-disable-line no-new
      } catch (e) {
        throw coded('InvalidDefinition', e.message);
      }
      validDefinitions.add(definition);
    }
    machines.set(machine, { definition: def, ...info });
  },

  start({ machine, execution, name, input, time }) {
    if (!callback) throw coded('InternalError', 'init first');
    const m = machines.get(machine);
    if (!m) throw coded('StateMachineDoesNotExist', `state machine ${machine} is not defined`);
    if (executions.has(execution)) throw coded('ExecutionAlreadyExists', `execution ${execution} is running`);
    const exec = {
      arn: execution,
      clock: new Clock(time),
      ac: new AbortController(), // ends everything the harness waits on for this execution
      pendingToken: null,
      transitions: 0,
      stop: null,
      timedOut: false,
      ended: false,
    };
    exec.context = contextObject(exec, machine, execution, name);
    const handlers = {};
    for (const [state, spec] of m.tasks) handlers[state] = taskHandler(exec, state, spec);
    for (const [state, spec] of m.waits) handlers[state] = waitHandler(exec, spec);
    const sm = new StateMachine(runCopy(m.definition, exec.clock), { validationOptions: { noValidate: true } });
    const run = sm.run(JSON.parse(input), {
      overrides: { taskResourceLocalHandlers: handlers },
      context: exec.context,
    });
    exec.run = run;
    executions.set(execution, exec);
    if (m.timeoutSeconds !== undefined) {
      sleep(exec.clock.timeout(m.timeoutSeconds * 1000), exec.ac.signal).then(() => {
        exec.timedOut = true;
        end(exec);
      }, () => {});
    }
    watch(exec, m).catch((e) => {
      process.stderr.write(`harness: execution ${exec.arn}: ${e?.stack ?? e}\n`);
      send({ execution: exec.arn, end: { status: 'FAILED', error: 'States.Runtime', cause: 'the local harness failed', transitions: exec.transitions, at: Date.now() } });
    });
  },

  sendTaskSuccess({ token, output }) {
    let value;
    try {
      value = JSON.parse(output);
    } catch (e) {
      throw coded('InvalidOutput', `output is not JSON: ${e.message}`);
    }
    openToken(token).resolve(value);
  },

  sendTaskFailure({ token, error, cause }) {
    openToken(token).reject(namedError(error ?? '', cause ?? ''));
  },

  stop({ execution, error, cause }) {
    const exec = executions.get(execution);
    if (!exec) throw coded('ExecutionDoesNotExist', `execution ${execution} is not running`);
    exec.stop = { error, cause };
    end(exec);
  },
};

// end aborts a running execution: first the engine (so that it settles as
// aborted and stops routing errors into Retry and Catch), then everything
// the harness is waiting on for it.
function end(exec) {
  if (exec.ended) return;
  exec.ended = true;
  exec.run.abort();
  exec.ac.abort();
}

// contextObject is the Context Object ($$) of an execution. Task.Token is
// a getter: the engine copies the top level of this object, so the getter
// stays live and is read while the engine evaluates a Task's Parameters,
// just before it calls the Task's override in the same synchronous turn.
// The token it makes is taken by that override (takeToken); a token read
// anywhere else is dropped at the next microtask.
function contextObject(exec, machine, execution, name) {
  const task = {};
  Object.defineProperty(task, 'Token', {
    enumerable: true,
    get() {
      if (exec.pendingToken === null) {
        exec.pendingToken = newToken();
        queueMicrotask(() => { exec.pendingToken = null; });
      }
      return exec.pendingToken;
    },
  });
  return {
    Execution: { Id: execution, Name: name },
    StateMachine: { Id: machine, Name: machine.slice(machine.lastIndexOf(':') + 1) },
    Task: task,
  };
}

function newToken() {
  return TOKEN_PREFIX + randomBytes(48).toString('base64url');
}

function takeToken(exec) {
  const token = exec.pendingToken ?? newToken();
  exec.pendingToken = null;
  return token;
}

function openToken(token) {
  const t = tokens.get(token);
  if (!t) {
    if (typeof token === 'string' && token.startsWith(TOKEN_PREFIX)) {
      throw coded('TaskDoesNotExist', 'no task has this token');
    }
    throw coded('InvalidToken', 'the task token is not valid');
  }
  if (t.status !== 'pending') throw coded('TaskTimedOut', 'the task of this token has timed out or is already closed');
  return t;
}

// taskHandler is the override of one Task state: it calls the Go handler
// and, for .waitForTaskToken, then waits for SendTaskSuccess or
// SendTaskFailure with the task token.
function taskHandler(exec, state, spec) {
  return (input) => {
    // Before any await: the token made while the engine evaluated this
    // attempt's Parameters.
    const token = spec.callback ? takeToken(exec) : '';
    return runTask(exec, state, spec, input, token);
  };
}

async function runTask(exec, state, spec, rawInput, token) {
  if (exec.ac.signal.aborted) throw exec.ac.signal.reason;
  const [input, carried] = withoutCarriedTimeout(rawInput);
  const timeoutSeconds = taskTimeoutSeconds(exec, spec, input, carried);
  const payload = spec.lambda ? (input?.Payload ?? null) : input;
  const functionName = spec.lambda ? input?.FunctionName : undefined;
  if (!spec.callback) {
    // The task's work is real work: its TimeoutSeconds is real seconds.
    const call = callGo(exec, state, spec.resource, functionName, payload, '');
    const output = await withTimeout(call, timeoutSeconds === undefined ? undefined : timeoutSeconds * 1000, exec);
    return spec.lambda ? lambdaResult(output) : output;
  }
  const t = { exec, status: 'pending' };
  const waiting = new Promise((resolve, reject) => {
    t.resolve = (value) => { t.status = 'succeeded'; resolve(value); };
    t.reject = (err) => { t.status = 'failed'; reject(err); };
  });
  waiting.catch(() => {}); // it may fail before anyone awaits it
  tokens.set(token, t);
  try {
    await callGo(exec, state, spec.resource, functionName, payload, token);
    // The wait for the callback is simulated time, timed from the moment
    // the Go handler has handed the token on.
    const ms = timeoutSeconds === undefined ? undefined : exec.clock.timeout(timeoutSeconds * 1000);
    return await withTimeout(waiting, ms, exec, () => { t.status = 'timedOut'; });
  } finally {
    if (t.status === 'pending') t.status = 'closed';
  }
}

// withoutCarriedTimeout splits off the TimeoutSecondsPath value that
// runCopy carried in the Parameters of a Task that has both.
function withoutCarriedTimeout(input) {
  if (input === null || typeof input !== 'object' || !Object.hasOwn(input, TIMEOUT_PARAMETER)) return [input, undefined];
  const { [TIMEOUT_PARAMETER]: carried, ...rest } = input;
  return [rest, carried];
}

function taskTimeoutSeconds(exec, spec, input, carried) {
  if (spec.timeoutSeconds !== undefined) return spec.timeoutSeconds;
  if (spec.timeoutSecondsPath === undefined) return undefined; // AWS: no task timeout
  const v = carried !== undefined ? carried : referencePath(spec.timeoutSecondsPath, input, exec.context);
  if (!Number.isInteger(v) || v < 1) throw runtimeError(`${spec.timeoutSecondsPath} must be a positive integer`);
  return v;
}

// withTimeout settles as promise does, or fails with States.Timeout after
// ms real milliseconds (never when ms is undefined), or with the abort
// reason when the execution ends.
async function withTimeout(promise, ms, exec, onTimeout) {
  const ac = new AbortController();
  const signal = AbortSignal.any([ac.signal, exec.ac.signal]);
  const timer = ms === undefined
    ? new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))
    : sleep(ms, signal).then(() => {
      onTimeout?.();
      throw new StatesTimeoutError();
    });
  timer.catch(() => {});
  try {
    return await Promise.race([promise, timer]);
  } finally {
    ac.abort();
  }
}

async function callGo(exec, state, resource, functionName, input, token) {
  const body = {
    execution: exec.arn,
    state,
    resource,
    functionName,
    input,
    taskToken: token || undefined,
    now: exec.clock.iso(),
  };
  let res;
  let text;
  try {
    res = await fetch(callback.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${callback.secret}` },
      body: JSON.stringify(body),
      signal: exec.ac.signal,
    });
    text = await res.text();
  } catch (e) {
    if (exec.ac.signal.aborted) throw exec.ac.signal.reason;
    throw namedError('Local.CallbackFailed', `the task callback failed: ${e.message}`);
  }
  let answer;
  try {
    if (res.status !== 200) throw new Error(`status ${res.status}: ${text.slice(0, 200)}`);
    answer = JSON.parse(text);
  } catch (e) {
    throw namedError('Local.CallbackFailed', `the task callback answered ${e.message}`);
  }
  if (answer?.error !== undefined) throw namedError(answer.error, answer.cause ?? '');
  return answer.output ?? null;
}

// lambdaResult is what arn:aws:states:::lambda:invoke returns around the
// function's result.
function lambdaResult(payload) {
  const requestId = randomUUID();
  return {
    ExecutedVersion: '$LATEST',
    Payload: payload,
    SdkHttpMetadata: {
      HttpHeaders: { 'Content-Type': 'application/json', 'X-Amz-Executed-Version': '$LATEST', 'x-amzn-RequestId': requestId },
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: 200,
  };
}

// waitHandler is the override of the Task a Wait state became (see
// definition.mjs): it sleeps on the execution's simulated clock.
function waitHandler(exec, spec) {
  return async (input) => {
    await sleep(waitMillis(exec, spec, input), exec.ac.signal);
    return input;
  };
}

function waitMillis(exec, spec, input) {
  const { clock } = exec;
  if (spec.seconds !== undefined) return clock.pause(spec.seconds * 1000);
  if (spec.secondsPath !== undefined) {
    const s = referencePath(spec.secondsPath, input, exec.context);
    if (!Number.isInteger(s) || s < 0) throw runtimeError(`${spec.secondsPath} must be a non-negative integer`);
    return clock.pause(s * 1000);
  }
  const ts = spec.timestamp ?? referencePath(spec.timestampPath, input, exec.context);
  const at = typeof ts === 'string' ? Date.parse(ts) : NaN;
  if (Number.isNaN(at)) throw runtimeError(`${spec.timestampPath ?? 'Timestamp'} must be an RFC 3339 timestamp`);
  return clock.pause(at - clock.now());
}

// watch forwards the execution's events and then its end to Go.
async function watch(exec, m) {
  const forwarded = forward(exec, m);
  let end;
  try {
    end = { status: 'SUCCEEDED', output: await exec.run.result };
  } catch (e) {
    if (exec.timedOut) {
      end = { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'the execution ran longer than its TimeoutSeconds' };
    } else if (e instanceof ExecutionAbortedError) {
      end = { status: 'ABORTED', error: exec.stop?.error, cause: exec.stop?.cause };
    } else if (e instanceof ExecutionError) {
      end = { status: 'FAILED', error: e.cause?.name ?? 'States.Runtime', cause: causeText(e.cause) };
    } else {
      end = { status: 'FAILED', error: 'States.Runtime', cause: String(e?.message ?? e) };
    }
  }
  await forwarded;
  exec.ended = true;
  exec.ac.abort(); // the execution timer, and waits in branches that lost a race
  for (const t of tokens.values()) {
    if (t.exec !== exec) continue;
    if (t.status === 'pending') t.status = 'closed';
    t.exec = null; // keep a tombstone (TaskTimedOut), not the execution
  }
  executions.delete(exec.arn);
  send({ execution: exec.arn, end: { ...end, transitions: exec.transitions, at: Date.now() } });
}

function causeText(err) {
  const c = err?.cause ?? err?.message;
  if (c === undefined || c === null) return '';
  return typeof c === 'string' ? c : JSON.stringify(c);
}

// forward sends the engine's state events (Parallel branches included) as
// they come. Transitions are counted as AWS bills them: every state
// entered, and every retry.
async function forward(exec, m) {
  for await (const ev of exec.run.eventLogs) {
    const s = ev.state;
    if (!s) continue; // Execution*, ParallelBranch*, MapIteration*: Go records the execution's own
    const event = {
      name: s.name,
      type: m.waits.has(s.name) ? 'Wait' : s.type,
      resource: m.tasks.get(s.name)?.resource,
      at: ev.timestamp,
    };
    switch (ev.type) {
      case 'StateEntered':
        exec.transitions++;
        Object.assign(event, { kind: 'entered', input: s.input });
        break;
      case 'StateExited':
        Object.assign(event, { kind: 'exited', output: s.output });
        break;
      case 'StateFailed':
        Object.assign(event, { kind: 'failed', error: ev.Error, cause: causeText({ cause: ev.Cause }) });
        break;
      case 'StateRetried':
        exec.transitions++;
        Object.assign(event, { kind: 'retried', attempt: ev.retry?.attempt });
        break;
      case 'StateCaught':
        Object.assign(event, { kind: 'caught' });
        break;
      default:
        continue;
    }
    send({ execution: exec.arn, event });
  }
}

// A bug in one execution must not end the others: report it on stderr,
// which the Go side keeps.
process.on('unhandledRejection', (e) => {
  process.stderr.write(`harness: unhandled rejection: ${e?.stack ?? e}\n`);
});

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on('line', (line) => {
  let req;
  try {
    req = JSON.parse(line);
  } catch {
    process.stderr.write(`harness: ignoring a line that is not JSON\n`);
    return;
  }
  try {
    const op = ops[req.op];
    if (!op) throw coded('UnknownOperation', `unknown op ${req.op}`);
    op(req);
    send({ id: req.id, ok: true });
  } catch (e) {
    send({ id: req.id, error: { code: e.code ?? 'InternalError', message: String(e?.message ?? e) } });
  }
});
rl.on('close', () => process.exit(0));

send({ ready: true });
