// What the harness needs to know about a definition, and the copy of it an
// execution actually runs.
//
// aws-local-stepfunctions overrides Task states by state name, with a
// function of the task's input only, and it has no simulated clock. So the
// copy it runs is rewritten:
//   - every Task keeps its fields, but its TimeoutSeconds becomes
//     NO_TIMEOUT_SECONDS: the engine's own timer (60 s by default) is
//     disabled and the harness applies TimeoutSeconds/TimeoutSecondsPath
//     itself (real time for ordinary tasks, simulated time for
//     .waitForTaskToken). The override sees only the result of
//     Parameters, while TimeoutSecondsPath reads the state's input, so a
//     Task with both gets the value carried in its Parameters under
//     TIMEOUT_PARAMETER (the harness takes it out again);
//   - every Wait becomes a Task with the same InputPath/OutputPath/Next/End
//     whose override sleeps on the simulated clock (the engine's
//     waitTimeOverrides is one fixed number per state and cannot see the
//     state's input, which SecondsPath and TimestampPath need);
//   - Retry intervals are multiplied by the clock's ratio (0 when instant);
//   - the top-level TimeoutSeconds is removed; the harness times the
//     execution on the simulated clock.
// The original definition is validated as written; the copy is run with
// validation off.

import { MAX_TIMER_MS } from './clock.mjs';

export const NO_TIMEOUT_SECONDS = Math.floor(MAX_TIMER_MS / 1000);

// TIMEOUT_PARAMETER carries a Task's TimeoutSecondsPath value through its
// Parameters in the copy (see the top of this file).
export const TIMEOUT_PARAMETER = 'portalidLocalTimeoutSeconds';

// WAIT_RESOURCE marks the Task a Wait state is replaced by in the copy.
const WAIT_RESOURCE = 'arn:aws:states:::portalid-local:wait';

// Fields the engine (aws-local-stepfunctions 3.0.0) ignores or cannot run:
// a definition using one is refused rather than run wrongly.
const UNSUPPORTED = [
  'Assign', 'Arguments', 'Output', 'Credentials',
  'HeartbeatSeconds', 'HeartbeatSecondsPath',
  'ItemReader', 'ResultWriter', 'ItemBatcher',
  'ToleratedFailureCount', 'ToleratedFailureCountPath',
  'ToleratedFailurePercentage', 'ToleratedFailurePercentagePath',
];

// forEachState calls fn(name, state, states) for every state of def and of
// its Parallel branches and Map item processors, depth first.
export function forEachState(def, fn) {
  const states = def?.States ?? {};
  for (const [name, state] of Object.entries(states)) {
    fn(name, state, states);
    for (const branch of state?.Branches ?? []) forEachState(branch, fn);
    const processor = state?.ItemProcessor ?? state?.Iterator;
    if (processor) forEachState(processor, fn);
  }
}

export function isCallback(resource) {
  return resource.endsWith('.waitForTaskToken');
}

export function isLambdaInvoke(resource) {
  return /^arn:aws[a-z-]*:states:::lambda:invoke(\.waitForTaskToken)?$/.test(resource);
}

// inspect returns the Task and Wait states of def by name, or throws an
// error listing what the local engine cannot run. State names must be
// unique across the whole definition: the engine's overrides are keyed by
// name.
export function inspect(def) {
  const problems = [];
  const tasks = new Map();
  const waits = new Map();
  const seen = new Set();
  if (def.QueryLanguage !== undefined && def.QueryLanguage !== 'JSONPath') {
    problems.push(`QueryLanguage ${JSON.stringify(def.QueryLanguage)}: only JSONPath is supported`);
  }
  forEachState(def, (name, state) => {
    if (seen.has(name)) problems.push(`state name ${JSON.stringify(name)} is used more than once`);
    seen.add(name);
    if (state.QueryLanguage !== undefined && state.QueryLanguage !== 'JSONPath') {
      problems.push(`state ${JSON.stringify(name)}: QueryLanguage ${JSON.stringify(state.QueryLanguage)}: only JSONPath is supported`);
    }
    for (const field of UNSUPPORTED) {
      if (field in state) problems.push(`state ${JSON.stringify(name)}: ${field} is not supported locally`);
    }
    if (state.Type === 'Task') {
      tasks.set(name, {
        resource: state.Resource,
        callback: isCallback(state.Resource),
        lambda: isLambdaInvoke(state.Resource),
        timeoutSeconds: state.TimeoutSeconds,
        timeoutSecondsPath: state.TimeoutSecondsPath,
      });
    } else if (state.Type === 'Wait') {
      waits.set(name, {
        seconds: state.Seconds,
        secondsPath: state.SecondsPath,
        timestamp: state.Timestamp,
        timestampPath: state.TimestampPath,
      });
    }
  });
  if (problems.length > 0) {
    throw coded('InvalidDefinition', `the local Step Functions cannot run this definition: ${problems.join('; ')}`);
  }
  return { tasks, waits, timeoutSeconds: def.TimeoutSeconds };
}

// runCopy returns the rewritten copy of def (see the top of this file) an
// execution on clock runs.
export function runCopy(def, clock) {
  const copy = structuredClone(def);
  delete copy.TimeoutSeconds;
  forEachState(copy, (name, state, states) => {
    if (Array.isArray(state.Retry)) state.Retry = state.Retry.map((r) => scaleRetrier(r, clock));
    if (state.Type === 'Task') {
      if (state.TimeoutSecondsPath !== undefined && state.Parameters !== undefined) {
        state.Parameters = { ...state.Parameters, [`${TIMEOUT_PARAMETER}.$`]: state.TimeoutSecondsPath };
      }
      delete state.TimeoutSecondsPath;
      state.TimeoutSeconds = NO_TIMEOUT_SECONDS;
    } else if (state.Type === 'Wait') {
      states[name] = waitTask(state);
    }
  });
  return copy;
}

function scaleRetrier(retrier, clock) {
  const r = { ...retrier };
  const maxDelayMs = clock.pause(1000 * (r.MaxDelaySeconds ?? Infinity));
  r.IntervalSeconds = clock.pause(1000 * (r.IntervalSeconds ?? 1)) / 1000;
  r.MaxDelaySeconds = Math.min(maxDelayMs, MAX_TIMER_MS) / 1000;
  return r;
}

function waitTask(wait) {
  const task = { Type: 'Task', Resource: WAIT_RESOURCE, TimeoutSeconds: NO_TIMEOUT_SECONDS };
  for (const field of ['Comment', 'InputPath', 'OutputPath', 'Next', 'End']) {
    if (field in wait) task[field] = wait[field];
  }
  return task;
}

// referencePath evaluates an ASL reference path ($.a.b, $['a'][0], and $$…
// on the context object) as SecondsPath, TimestampPath and
// TimeoutSecondsPath use them.
export function referencePath(path, input, context) {
  let value;
  let rest;
  if (path.startsWith('$$')) {
    [value, rest] = [context, path.slice(2)];
  } else if (path.startsWith('$')) {
    [value, rest] = [input, path.slice(1)];
  } else {
    throw runtimeError(`${path} is not a reference path`);
  }
  const segment = /^(?:\.([^.[\]]+)|\['([^']*)'\]|\[(\d+)\])/;
  while (rest.length > 0) {
    const m = segment.exec(rest);
    if (!m) throw runtimeError(`${path} is not a reference path`);
    const key = m[1] ?? m[2] ?? Number(m[3]);
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) {
      throw runtimeError(`${path} matches nothing in the input`);
    }
    value = value[key];
    rest = rest.slice(m[0].length);
  }
  return value;
}

// namedError is an error the engine's Retry and Catch match by name
// (they compare ErrorEquals with error.name); its message is the cause.
export function namedError(name, cause) {
  const e = new Error(cause ?? '');
  e.name = name;
  return e;
}

// runtimeError is a States.Runtime error, which (as in AWS) neither Retry
// nor Catch, not even States.ALL, can handle: the engine reads these two
// flags off the error.
export function runtimeError(cause) {
  const e = namedError('States.Runtime', cause);
  e.isRetryable = false;
  e.isCatchable = false;
  return e;
}

// coded is an error answered to the Go side with an API error code.
export function coded(code, message) {
  const e = new Error(message);
  e.code = code;
  return e;
}
