export { isLoopbackHost, UnsafeBindError } from './binding';
export { RateLimitMiddleware } from './rate-limit.middleware';
export { SecurityModule } from './security.module';
