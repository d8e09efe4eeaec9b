import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-local';
import { Rpc, type LoginRequest, type TokenPair } from '@lekha/contracts';
import { BusClient } from '../bus/bus-client.js';

/** Email-or-phone and password, checked by the identity service (which audits the attempt). */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(private readonly bus: BusClient) {
    super({ usernameField: 'login', passwordField: 'password', passReqToCallback: true });
  }

  validate(req: { loginRequest: LoginRequest }): Promise<TokenPair> {
    return this.bus.call<TokenPair>(Rpc.identity.login, req.loginRequest);
  }
}
