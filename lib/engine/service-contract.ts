// A service is what task code may ask of the process that owns the database (DESIGN.md §1). Each one is a
// contract — a name, a zod input and a zod output — checked on both sides of the process boundary: the task's
// side checks what it sends and what it gets back, the owning side checks what it receives and what it answers.
// Domains declare their contracts (lib/flashcards/service-contracts.ts, …); lib/sdk/service-registry.ts gathers
// them, and the runtime wires an implementation to each.
import { z } from 'zod';
import type { ServiceHandler, TryIdentity } from './executor-port';
import { NonRetriableError } from './task-context';
import { formatZodIssues } from '../kernel/zod-issues';

export interface ServiceContract<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  /** Only reads: may answer before its try's start is recorded (ADR 0018). */
  readOnly: boolean;
}

export function service<I extends z.ZodType, O extends z.ZodType>(spec: { input: I; output: O; readOnly?: boolean }): ServiceContract<I, O> {
  return { input: spec.input, output: spec.output, readOnly: spec.readOnly ?? false };
}

/** Domain name → service name → contract: what `ctx.services` offers. */
export type ServiceRegistry = Record<string, Record<string, ServiceContract>>;

/** The typed functions task code calls: `ctx.services.<domain>.<name>(input)`. */
export type ServiceClients<R extends ServiceRegistry> = {
  readonly [D in keyof R]: {
    readonly [N in keyof R[D]]: undefined extends z.input<R[D][N]['input']>
      ? (input?: z.input<R[D][N]['input']>) => Promise<z.output<R[D][N]['output']>>
      : (input: z.input<R[D][N]['input']>) => Promise<z.output<R[D][N]['output']>>;
  };
};

/** The server side of a domain: one function per contract, given the calling try and the checked input. */
export type ServiceImplementations<C extends Record<string, ServiceContract>> = {
  [N in keyof C]: (job: TryIdentity, input: z.output<C[N]['input']>) => Promise<z.input<C[N]['output']>>;
};

/** How a call crosses the boundary (IPC for local runners, HTTP for remote workers); the wire name is `domain.name`. */
export type ServiceTransport = (method: string, input: unknown) => Promise<unknown>;

/** A service's input or output broke its contract: a programming error no retry can fix. */
export class ServiceContractError extends NonRetriableError {
  override name = 'ServiceContractError';
}

export function methodName(domain: string, name: string): string {
  return `${domain}.${name}`;
}

/** Parses `value` against one side of a contract, naming the service and the side in the error. */
export function checkContract<S extends z.ZodType>(schema: S, value: unknown, method: string, side: 'input' | 'output'): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new ServiceContractError(`service ${method}: ${side === 'input' ? 'the input' : 'the answer'} does not match its contract: ${formatZodIssues(parsed.error)}`);
}

/**
 * The task side: a client per contract that checks its input before sending it and the answer before returning
 * it. The input is sent as given (not as parsed), so the owning side parses exactly what the caller wrote.
 */
export function createServiceClients<R extends ServiceRegistry>(registry: R, send: ServiceTransport): ServiceClients<R> {
  const domains: Record<string, Record<string, (input: unknown) => Promise<unknown>>> = {};
  for (const [domain, contracts] of Object.entries(registry)) {
    const clients: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const [name, contract] of Object.entries(contracts)) {
      const method = methodName(domain, name);
      clients[name] = async (input) => {
        checkContract(contract.input, input, method, 'input');
        return checkContract(contract.output, await send(method, input), method, 'output');
      };
    }
    domains[domain] = Object.freeze(clients);
  }
  return Object.freeze(domains) as ServiceClients<R>;
}

export interface ServiceEndpoint {
  readOnly: boolean;
  /** Parses the input, runs the implementation and checks its answer. */
  call(job: TryIdentity, input: unknown): Promise<unknown>;
}

/** The owning side: every contract of the registry joined to its implementation, by wire name. */
export function serviceEndpoints<R extends ServiceRegistry>(
  registry: R,
  implementations: { [D in keyof R]: ServiceImplementations<R[D]> },
): Map<string, ServiceEndpoint> {
  const endpoints = new Map<string, ServiceEndpoint>();
  for (const [domain, contracts] of Object.entries(registry)) {
    const impls = implementations[domain] as Record<string, (job: TryIdentity, input: unknown) => Promise<unknown>>;
    for (const [name, contract] of Object.entries(contracts)) {
      const method = methodName(domain, name);
      const impl = impls[name]!;
      endpoints.set(method, {
        readOnly: contract.readOnly,
        call: async (job, input) => checkContract(contract.output, await impl(job, checkContract(contract.input, input, method, 'input')), method, 'output'),
      });
    }
  }
  return endpoints;
}

/**
 * The ServiceHandler the executors call: finds the endpoint, waits for `beforeChange` (the try's recorded start,
 * ADR 0018) unless the service only reads, then runs it.
 */
export function serviceHandler(
  endpoints: Map<string, ServiceEndpoint>,
  options: { beforeChange?: (job: TryIdentity) => Promise<void> } = {},
): ServiceHandler {
  return async (job, method, payload) => {
    const endpoint = endpoints.get(method);
    if (!endpoint) throw new ServiceContractError(`unknown service '${method}'; known: ${[...endpoints.keys()].sort().join(', ')}`);
    if (options.beforeChange && !endpoint.readOnly) await options.beforeChange(job);
    return endpoint.call(job, payload);
  };
}
