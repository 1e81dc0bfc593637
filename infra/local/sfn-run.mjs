#!/usr/bin/env node
// Runs a REAL state machine (infra/statemachine/sync.asl.json by default; --definition and --task for
// provision-batch.asl.json) locally with aws-local-stepfunctions. The Lambda Task state calls the function through the Quarkus Lambda mock event server (tests) or any endpoint
// that takes the Lambda payload as a POST body and answers with the function's output (500 {errorType,
// errorMessage} for a function error). StartExecution (continue-as-new) starts the next execution here, in-process,
// with Step Functions' name rules: a name already used answers the same execution while it has not ended (same
// input), ExecutionAlreadyExists otherwise. A Task that catches into ReleaseLease calls the function again.
// Prints one JSON summary on stdout. See docs/sync.md for the options.
import './polyfill.mjs';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const { StateMachine } = await import(
  path.join(here, 'node/node_modules/aws-local-stepfunctions/build/main.node.esm.js'));

const WAIT = 'Wait';
const CONTINUE = 'ContinueAsNewExecution';
const RELEASE = 'ReleaseLease';
const REGION = 'local';
const ACCOUNT_ID = '000000000000';

function parseArgs(argv) {
  const o = {
    definition: path.join(here, '../statemachine/sync.asl.json'),
    lambdaUrl: process.env.SYNC_PAGE_URL || 'http://localhost:8080/',
    input: '{"account":"default","mode":"incremental"}',
    name: `sync-${randomUUID()}`,
    stateMachineName: 'kitbridge-sync',
    substitutions: {},
    waitScale: null,
    waitUrl: null,
    waitMs: null,
    retryMs: null,
    maxExecutions: 1000,
    loseOutputAt: new Set(),
    loseStartResponseAt: new Set(),
    failAt: new Set(),
    killAt: null,
    trace: false,
    timeoutMs: 0,
    task: 'SyncPage',
  };
  const nums = (v) => new Set(String(v).split(',').filter(Boolean).map(Number));
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    const v = () => argv[++i];
    switch (a) {
      case '--definition': o.definition = v(); break;
      case '--lambda-url': o.lambdaUrl = v(); break;
      case '--input': o.input = v(); break;
      case '--input-file': o.input = fs.readFileSync(v(), 'utf8'); break;
      case '--name': o.name = v(); break;
      case '--state-machine-name': o.stateMachineName = v(); break;
      case '--substitute': { const [k, ...rest] = v().split('='); o.substitutions[k] = rest.join('='); break; }
      case '--wait-scale': o.waitScale = Number(v()); break;
      case '--wait-url': o.waitUrl = v(); break;
      case '--wait-ms': o.waitMs = Number(v()); break;
      case '--retry-ms': o.retryMs = Number(v()); break;
      case '--max-executions': o.maxExecutions = Number(v()); break;
      case '--lose-output-at': o.loseOutputAt = nums(v()); break;
      case '--lose-start-response-at': o.loseStartResponseAt = nums(v()); break;
      case '--fail-at': o.failAt = nums(v()); break;
      case '--kill-at': o.killAt = Number(v()); break;
      case '--timeout-ms': o.timeoutMs = Number(v()); break;
      case '--trace': o.trace = true; break;
      case '--task': o.task = v(); break;
      default: throw new Error(`unknown option ${a}`);
    }
  }
  return o;
}

const opts = parseArgs(process.argv);
const log = (...m) => { if (opts.trace) console.error('[sfn-run]', ...m); };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const stateMachineArn = `arn:aws:states:${REGION}:${ACCOUNT_ID}:stateMachine:${opts.stateMachineName}`;
const substitutions = {
  SyncPageFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:sync-page`,
  ProvisionFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:provision`,
  SyncStateMachineArn: stateMachineArn,
  ...opts.substitutions,
};
// DefinitionSubstitutions, as CloudFormation applies them
let text = fs.readFileSync(opts.definition, 'utf8');
for (const [k, val] of Object.entries(substitutions)) {
  text = text.replaceAll('${' + k + '}', val);
}
const unresolved = text.match(/\$\{[A-Za-z0-9]+\}/);
if (unresolved) throw new Error(`no substitution for ${unresolved[0]} (use --substitute KEY=VALUE)`);
const definition = JSON.parse(text);
const machine = new StateMachine(definition, { validationOptions: { checkArn: true, checkPaths: true } });

const summary = {
  status: 'RUNNING',
  executions: [],
  invocations: 0,
  releaseCalls: 0,
  startCalls: 0,
  startsAnsweredWithExisting: 0,
  lambdaErrors: 0,
  injectedFaults: 0,
  retries: 0,
  waits: 0,
  waitSecondsTotal: 0,
  wallMillis: 0,
  maxInvocationMillis: 0,
  // the largest payload Step Functions would have carried (execution input/output, a state's input/output, a
  // Task's result): each is capped at 256 KB on AWS, so tests assert on it
  maxPayloadBytes: 0,
  maxPayloadAt: null,
  output: null,
  error: null,
};
const started = Date.now();
let lastPayloadKey = null;
// StartExecution names used so far: name → { input (JSON text), ended }
const names = new Map();
let abortCurrent = null;

class TaskError extends Error {
  constructor(name, message) {
    super(message);
    this.name = name;
  }
}

function measure(where, value) {
  const bytes = value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
  if (bytes > summary.maxPayloadBytes) {
    summary.maxPayloadBytes = bytes;
    summary.maxPayloadAt = where;
  }
}

async function watchPayloads(eventLogs) {
  for await (const ev of eventLogs) {
    if (ev.type === 'ExecutionStarted') measure('execution input', ev.input);
    else if (ev.type === 'ExecutionSucceeded') measure('execution output', ev.output);
    else if (ev.type === 'StateEntered') measure(`${ev.state.name} input`, ev.state.input);
    else if (ev.type === 'StateExited') measure(`${ev.state.name} output`, ev.state.output);
  }
}

async function invokeFunction(payload) {
  let res;
  try {
    res = await fetch(opts.lambdaUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(payload),
    });
  } catch (e) {
    // the function could not be reached: what the Lambda integration reports as a client-side failure
    throw new TaskError('Lambda.SdkClientException', `cannot reach ${opts.lambdaUrl}: ${e.cause?.message ?? e.message}`);
  }
  const body = await res.text();
  let json = null;
  try { json = body ? JSON.parse(body) : null; } catch { json = null; }
  if (res.status >= 400) {
    summary.lambdaErrors++;
    const errorType = (json && json.errorType) || `Lambda.HTTP${res.status}`;
    const errorMessage = (json && json.errorMessage) || body.slice(0, 500);
    throw new TaskError(errorType, errorMessage);
  }
  return json;
}

// Task: lambda:invoke → POST the Payload; the result looks like the Lambda integration's ({StatusCode, Payload}).
async function syncPageTask(input) {
  const payload = input.Payload;
  const n = ++summary.invocations;
  const key = JSON.stringify(payload);
  const isRetry = key === lastPayloadKey;
  if (isRetry) summary.retries++;
  lastPayloadKey = key;
  if (opts.killAt !== null && n >= opts.killAt) {
    log(`invocation ${n}: killing the execution`);
    summary.injectedFaults++;
    abortCurrent();
    throw new TaskError('States.Aborted', 'killed by --kill-at');
  }
  if (opts.waitUrl !== null && !isRetry && payload.waitSeconds > 0 && payload.done === false) {
    // the wait passes on the function's own clock (a test's controllable clock), not on the wall clock
    const res = await fetch(opts.waitUrl, { method: 'POST', body: JSON.stringify({ seconds: payload.waitSeconds }) });
    if (!res.ok) throw new Error(`--wait-url answered ${res.status}`);
  } else if (opts.waitScale !== null && !isRetry && payload.waitSeconds > 0 && payload.done === false) {
    await sleep(payload.waitSeconds * 1000 * opts.waitScale);
  }
  if (opts.failAt.has(n)) {
    summary.injectedFaults++;
    log(`invocation ${n}: injected Lambda.ServiceException before the call`);
    throw new TaskError('Lambda.ServiceException', 'injected by --fail-at');
  }
  const invokedAt = Date.now();
  measure(`${opts.task} payload`, payload);
  const output = await invokeFunction(payload);
  measure(`${opts.task} result`, { StatusCode: 200, ExecutedVersion: '$LATEST', Payload: output });
  summary.maxInvocationMillis = Math.max(summary.maxInvocationMillis, Date.now() - invokedAt);
  log(`invocation ${n}: phase=${output && output.phase} done=${output && output.done} wait=${output && output.waitSeconds} reason=${output && output.reason}`);
  if (opts.loseOutputAt.has(n)) {
    summary.injectedFaults++;
    log(`invocation ${n}: the function ran, its output is lost (Lambda.SdkClientException)`);
    throw new TaskError('Lambda.SdkClientException', 'injected by --lose-output-at: response lost');
  }
  if (output && output.done === false) {
    summary.waits += output.waitSeconds > 0 ? 1 : 0;
    summary.waitSecondsTotal += output.waitSeconds || 0;
  }
  return { StatusCode: 200, ExecutedVersion: '$LATEST', Payload: output };
}

// ReleaseLease: the clean-up call after a failure, straight to the function (no fault injection).
async function releaseTask(input) {
  summary.releaseCalls++;
  const output = await invokeFunction(input.Payload);
  log(`release: error=${output && output.error} reason=${output && output.reason}`);
  return { StatusCode: 200, ExecutedVersion: '$LATEST', Payload: output };
}

// StartExecution of this state machine (continue-as-new), with Step Functions' rules for names.
function startExecution(req, executionArn) {
  const n = ++summary.startCalls;
  if (req.StateMachineArn !== stateMachineArn) {
    throw new TaskError('StepFunctions.StateMachineDoesNotExistException', `no state machine ${req.StateMachineArn}`);
  }
  const name = req.Name || `${opts.name}-c${names.size + 1}`;
  const inputText = typeof req.Input === 'string' ? req.Input : JSON.stringify(req.Input);
  const nextArn = `arn:aws:states:${REGION}:${ACCOUNT_ID}:execution:${opts.stateMachineName}:${name}`;
  const existing = names.get(name);
  if (existing) {
    if (!existing.ended && existing.input === inputText) {
      summary.startsAnsweredWithExisting++;
      log(`StartExecution ${n}: ${name} exists with the same input and has not ended: same execution`);
      return { ExecutionArn: nextArn, StartDate: existing.startDate };
    }
    throw new TaskError('StepFunctions.ExecutionAlreadyExistsException', `Execution Already Exists: '${nextArn}'`);
  }
  const startDate = new Date().toISOString();
  names.set(name, { input: inputText, ended: false, startDate });
  queue.push({ name, input: typeof req.Input === 'string' ? JSON.parse(req.Input) : req.Input, startedBy: executionArn });
  if (opts.loseStartResponseAt.has(n)) {
    summary.injectedFaults++;
    log(`StartExecution ${n}: ${name} started, its response is lost`);
    throw new TaskError('StepFunctions.SdkClientException', 'injected by --lose-start-response-at: response lost');
  }
  return { ExecutionArn: nextArn, StartDate: startDate };
}

const queue = [];

async function runExecution(name, input) {
  const executionArn = `arn:aws:states:${REGION}:${ACCOUNT_ID}:execution:${opts.stateMachineName}:${name}`;
  if (!names.has(name)) names.set(name, { input: JSON.stringify(input), ended: false, startDate: new Date().toISOString() });
  const overrides = {
    taskResourceLocalHandlers: {
      [opts.task]: syncPageTask,
      [RELEASE]: releaseTask,
      [CONTINUE]: async (req) => startExecution(req, executionArn),
    },
  };
  if (opts.waitScale !== null || opts.waitUrl !== null) overrides.waitTimeOverrides = { [WAIT]: 0 };
  if (opts.waitMs !== null) overrides.waitTimeOverrides = { [WAIT]: opts.waitMs };
  if (opts.retryMs !== null) {
    overrides.retryIntervalOverrides = { [opts.task]: opts.retryMs, [CONTINUE]: opts.retryMs, [RELEASE]: opts.retryMs };
  }
  const execution = machine.run(input, {
    overrides,
    noThrowOnAbort: true,
    context: {
      Execution: { Id: executionArn, Name: name, RoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/local` },
      StateMachine: { Id: stateMachineArn, Name: opts.stateMachineName },
    },
  });
  abortCurrent = execution.abort;
  const watching = watchPayloads(execution.eventLogs);
  const record = { name, executionArn, status: 'RUNNING', invocationsBefore: summary.invocations };
  summary.executions.push(record);
  try {
    const output = await execution.result;
    measure('execution output', output);
    await Promise.race([watching, sleep(1000)]);
    if (output === null) {
      record.status = 'ABORTED';
      return { status: 'ABORTED' };
    }
    record.status = 'SUCCEEDED';
    record.output = output;
    return { status: 'SUCCEEDED', output };
  } catch (e) {
    const cause = e.cause || e;
    record.status = 'FAILED';
    record.error = { name: cause.name, message: String(cause.message).slice(0, 1000) };
    return { status: 'FAILED', error: record.error };
  } finally {
    names.get(name).ended = true;
    record.invocations = summary.invocations - record.invocationsBefore;
    delete record.invocationsBefore;
  }
}

let timer = null;
if (opts.timeoutMs > 0) {
  timer = setTimeout(() => {
    summary.status = 'TIMED_OUT';
    summary.wallMillis = Date.now() - started;
    process.stdout.write(JSON.stringify(summary) + '\n');
    process.exit(3);
  }, opts.timeoutMs);
}

// Executions run one after another: the first, then each one continue-as-new started (in start order).
queue.push({ name: opts.name, input: JSON.parse(opts.input) });
for (let i = 0; queue.length > 0; i++) {
  if (i >= opts.maxExecutions) {
    summary.status = 'MAX_EXECUTIONS';
    break;
  }
  const { name, input } = queue.shift();
  log(`execution ${name} starts with ${JSON.stringify(input)}`);
  const result = await runExecution(name, input);
  summary.status = result.status;
  summary.output = result.output ?? null;
  summary.error = result.error ?? null;
  if (result.status !== 'SUCCEEDED') break;
}
if (timer) clearTimeout(timer);
summary.wallMillis = Date.now() - started;
process.stdout.write(JSON.stringify(summary) + '\n');
process.exit(summary.status === 'SUCCEEDED' ? 0 : 1);
