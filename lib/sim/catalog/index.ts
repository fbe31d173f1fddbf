export {
  probeInSimulation,
  runInSimulation,
  signalCatalogRequests,
  visibleNotices,
  withVisibleNotices,
  type CatalogRequest,
} from './catalog-database'
export { catalogRowsOf, type ActivityRow, type CatalogRows, type LockRow } from './catalog-rows'
export {
  catalogSchema,
  readsSimulatedCatalog,
  rewriteCatalogReferences,
  simulatedCatalogNames,
} from './catalog-sql'
