/** The workbench's panels, by the names an embed's query string uses, in the lesson page's order. */
export const panelIds = [
  'traffic',
  'versions',
  'terminal',
  'deploy',
  'sessions',
  'invariants',
  'schema',
  'requests',
  'audit',
] as const

export type PanelId = (typeof panelIds)[number]
