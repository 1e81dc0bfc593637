#!/usr/bin/env node
// Runs a REAL state machine (infra/statemachine/sync.asl.json by default; --definition and --task for
// provision-batch.asl.json) locally with aws-local-stepfunctions. The Lambda Task state calls the function through the Quarkus Lambda mock event server (tests) or any endpoint
// that takes the Lambda payload as a POST body and answers with the function's output (500 {errorType,
// errorMessage} for a function error). StartExecution (continue-as-new) starts the next execution here, in-process.
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
    waitMs: null,
    retryMs: null,
    maxExecutions: 1000,
    loseOutputAt: new Set(),
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
      case '--wait-ms': o.waitMs = Number(v()); break;
      case '--retry-ms': o.retryMs = Number(v()); break;
      case '--max-executions': o.maxExecutions = Number(v()); break;
      case '--lose-output-at': o.loseOutputAt = nums(v()); break;
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
  lambdaErrors: 0,
  injectedFaults: 0,
  retries: 0,
  waits: 0,
  waitSecondsTotal: 0,
  wallMillis: 0,
  maxInvocationMillis: 0,
  output: null,
  error: null,
};
const started = Date.now();
let lastPayloadKey = null;
let abortCurrent = null;

class TaskError extends Error {
  constructor(name, message) {
    super(message);
    this.name = name;
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
  if (opts.waitScale !== null && !isRetry && payload.waitSeconds > 0 && payload.done === false) {
    await sleep(payload.waitSeconds * 1000 * opts.waitScale);
  }
  if (opts.failAt.has(n)) {
    summary.injectedFaults++;
    log(`invocation ${n}: injected Lambda.ServiceException before the call`);
    throw new TaskError('Lambda.ServiceException', 'injected by --fail-at');
  }
  const invokedAt = Date.now();
  const output = await invokeFunction(payload);
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

async function runExecution(name, input) {
  const executionArn = `arn:aws:states:${REGION}:${ACCOUNT_ID}:execution:${opts.stateMachineName}:${name}`;
  let handover = null;
  const overrides = {
    taskResourceLocalHandlers: {
      [opts.task]: syncPageTask,
      [CONTINUE]: async (req) => {
        if (req.StateMachineArn !== stateMachineArn) {
          throw new TaskError('StepFunctions.StateMachineDoesNotExistException', `no state machine ${req.StateMachineArn}`);
        }
        handover = req;
        return { ExecutionArn: `${executionArn}-next`, StartDate: new Date().toISOString() };
      },
    },
  };
  if (opts.waitScale !== null) overrides.waitTimeOverrides = { [WAIT]: 0 };
  if (opts.waitMs !== null) overrides.waitTimeOverrides = { [WAIT]: opts.waitMs };
  if (opts.retryMs !== null) overrides.retryIntervalOverrides = { [opts.task]: opts.retryMs, [CONTINUE]: opts.retryMs };
  const execution = machine.run(input, {
    overrides,
    noThrowOnAbort: true,
    context: {
      Execution: { Id: executionArn, Name: name, RoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/local` },
      StateMachine: { Id: stateMachineArn, Name: opts.stateMachineName },
    },
  });
  abortCurrent = execution.abort;
  const record = { name, executionArn, status: 'RUNNING', invocationsBefore: summary.invocations };
  summary.executions.push(record);
  try {
    const output = await execution.result;
    if (output === null) {
      record.status = 'ABORTED';
      return { status: 'ABORTED' };
    }
    record.status = 'SUCCEEDED';
    record.output = output;
    return { status: 'SUCCEEDED', output, handover };
  } catch (e) {
    const cause = e.cause || e;
    record.status = 'FAILED';
    record.error = { name: cause.name, message: String(cause.message).slice(0, 1000) };
    return { status: 'FAILED', error: record.error };
  } finally {
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

let input = JSON.parse(opts.input);
let name = opts.name;
for (let i = 0; ; i++) {
  log(`execution ${name} starts with ${JSON.stringify(input)}`);
  const result = await runExecution(name, input);
  summary.status = result.status;
  summary.output = result.output ?? null;
  summary.error = result.error ?? null;
  if (result.status !== 'SUCCEEDED' || !result.handover) break;
  if (i + 1 >= opts.maxExecutions) {
    summary.status = 'MAX_EXECUTIONS';
    break;
  }
  // continue-as-new: StartExecution's Input is the current output (a JSON object, or a string of one)
  const next = result.handover.Input;
  input = typeof next === 'string' ? JSON.parse(next) : next;
  name = `${opts.name}-c${i + 1}`;
}
if (timer) clearTimeout(timer);
summary.wallMillis = Date.now() - started;
process.stdout.write(JSON.stringify(summary) + '\n');
process.exit(summary.status === 'SUCCEEDED' ? 0 : 1);
