import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SkipAccessToken } from '@ha-shop/auth';
import type { JSONWebKeySet } from 'jose';
import { SigningKeyStore } from './signing-key.store';

@ApiTags('keys')
@SkipAccessToken()
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: SigningKeyStore) {}

  @Get('jwks.json')
  @Header('cache-control', 'public, max-age=300')
  @ApiOperation({ summary: 'Public keys that verify access tokens (current and previous).' })
  @ApiOkResponse({ description: 'RFC 7517 JSON Web Key Set; public parameters only.' })
  jwks(): JSONWebKeySet {
    return this.keys.jwks();
  }
}
