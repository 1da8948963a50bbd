import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { DynamoDbCampaignRepository } from '../adapters/dynamodb/campaign-repository';
import { campaignDefinitionSchema } from '../domain/campaign';
import { systemClock } from '../domain/clock';
import { createCampaign, getCampaign } from '../domain/queries';
import { documentClient } from '../shared/clients';
import { loadConfig, requiredString } from '../shared/config';
import { httpErrors, identifierSchema, json, parseJsonBody, parseWith } from '../shared/http';

const config = loadConfig(z.object({ CAMPAIGN_TABLE_NAME: requiredString() }));
const campaigns = new DynamoDbCampaignRepository(documentClient, config.CAMPAIGN_TABLE_NAME, systemClock);

/**
 * `POST /v1/admin/campaigns` (campaign definition, see campaignDefinitionSchema) -> 201 with the campaign, 409
 * CAMPAIGN_EXISTS; `GET /v1/admin/campaigns/{campaignId}` -> 200 with the campaign, 404 CAMPAIGN_NOT_FOUND.
 */
export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(httpErrors())
  .handler(async (event) => {
    if (event.requestContext.http.method === 'POST') {
      const definition = parseJsonBody(event, campaignDefinitionSchema);
      return json(201, await createCampaign({ campaigns, clock: systemClock }, definition));
    }
    const campaignId = parseWith(identifierSchema, event.pathParameters?.campaignId, 'campaignId');
    return json(200, await getCampaign({ campaigns }, campaignId));
  });
