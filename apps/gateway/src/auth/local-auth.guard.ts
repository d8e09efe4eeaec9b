import { Injectable, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { DomainError, loginRequestSchema, FeatureError, AuthError } from '@lekha/contracts';
import { setRetryAfter } from './retry-after.js';

/** Validates the login body first, so bad input gets a 400 naming the field rather than a 401. */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  override canActivate(context: ExecutionContext) {
    const req = context.switchToHttp().getRequest<{ body: unknown; loginRequest?: unknown }>();
    const parsed = loginRequestSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      throw new DomainError(
        'VALIDATION_FAILED',
        'request is invalid',
        parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      );
    }
    req.loginRequest = parsed.data;
    req.body = { login: parsed.data.email ?? parsed.data.phone, password: parsed.data.password };
    return super.canActivate(context);
  }

  override handleRequest<T>(err: unknown, user: T | false, _info: unknown, context: ExecutionContext): T {
    if (err) {
      setRetryAfter(context.switchToHttp().getResponse(), err);
      throw err;
    }
    if (!user) throw new FeatureError(AuthError.InvalidCredentials, 'the sign-in details are not correct');
    return user;
  }
}
