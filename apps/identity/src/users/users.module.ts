import { Module } from '@nestjs/common';
import { TenantRepository } from '../tenants/tenant.repository.js';
import { LoginIndex } from './login-index.js';
import { UserRepository } from './user.repository.js';

const providers = [LoginIndex, UserRepository, TenantRepository];

/** People who sign in, the businesses they belong to, and the blind index sign-in finds them by. */
@Module({ providers, exports: providers })
export class UsersModule {}
