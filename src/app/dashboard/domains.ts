import { billingDomain } from '@/domains/billing/manifest';
import { clientsDomain } from '@/domains/clients/manifest';
import { financeDomain } from '@/domains/finance/manifest';
import { operationsDomain } from '@/domains/operations/manifest';
import { settingsDomain } from '@/domains/settings/manifest';
import { teamDomain } from '@/domains/team/manifest';
// fuse new-domain: imports (`npm run fuse -- new-domain` adds a domain's manifest import above this line)
import type { DomainManifest } from '@/fuse/domain-manifest';

/**
 * Every domain's manifest, in sidebar order: the one line a new domain adds here (a unit test
 * fails while a folder of src/domains is missing from this list).
 */
export const DOMAINS: readonly DomainManifest[] = [
  clientsDomain,
  financeDomain,
  teamDomain,
  // fuse new-domain: sidebar (`npm run fuse -- new-domain` adds a domain here, before settings)
  settingsDomain,
  billingDomain,
  operationsDomain,
];
