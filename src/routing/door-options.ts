import { qualityFloorOf } from './quality-floor-header';
import type { Caller, RequestCacheOptions, RouteRequest } from './routing.types';

/** What a chat door knows of a request beyond its body: who sent it, its quality-floor header, its cache options. */
export interface DoorOptions {
  caller?: Caller;
  floorHeader?: string | string[];
  cache?: RequestCacheOptions;
}

/**
 * The route request with what its door knows set on it (both chat doors alike).
 * @throws InvalidInputError (param x-gateway-quality-floor) for a malformed quality-floor header
 */
export function withDoorOptions<R extends RouteRequest>(request: R, door: DoorOptions): R {
  const qualityFloor = qualityFloorOf(door.floorHeader);
  Object.assign(request, door.caller);
  if (qualityFloor !== undefined) request.qualityFloor = qualityFloor;
  request.cache = door.cache;
  return request;
}
