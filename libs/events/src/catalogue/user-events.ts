import { IsArray, IsString } from 'class-validator';
import { Id } from './payload-rules';

// User-service's events: accounts and sign-ins.

export class UserRegisteredPayload {
  @Id() userId: string;
  @IsArray() @IsString({ each: true }) roles: string[];
}

export class UserLoggedInPayload {
  @Id() userId: string;
}
