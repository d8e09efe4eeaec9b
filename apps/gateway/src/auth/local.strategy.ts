import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-local';
import { AuthOps, type LoginRequest, type LoginResult } from '@lekha/contracts';
import { BusClient } from '../bus/bus-client.js';

/** Email-or-phone and password, checked by the identity service (which audits the attempt). */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(private readonly bus: BusClient) {
    super({ usernameField: 'login', passwordField: 'password', passReqToCallback: true });
  }

  validate(req: { loginRequest: LoginRequest }): Promise<LoginResult> {
    return this.bus.invoke(AuthOps.login, req.loginRequest);
  }
}
