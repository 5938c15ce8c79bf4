import { billingDomain } from '@/domains/billing/manifest';
import { clientsDomain } from '@/domains/clients/manifest';
import { financeDomain } from '@/domains/finance/manifest';
import { operationsDomain } from '@/domains/operations/manifest';
import { settingsDomain } from '@/domains/settings/manifest';
import { teamDomain } from '@/domains/team/manifest';
import type { DomainManifest } from '@/fuse/domain-manifest';

/**
 * Every domain's manifest, in sidebar order: the one line a new domain adds here (a unit test
 * fails while a folder of src/domains is missing from this list).
 */
export const DOMAINS: readonly DomainManifest[] = [clientsDomain, financeDomain, teamDomain, settingsDomain, billingDomain, operationsDomain];
