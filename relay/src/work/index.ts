// Work: the templates in use (announcements ↔ full templates) and the relay's share pool.
export { TemplateBook, announce, type BookEntry, MAX_TEMPLATES_IN_MEMORY } from './template-book'
export { SharePool, type AcceptedShare, type ShareOrigin, type PoolInit } from './pool'
export { foundBlockFromShare, meetsBlockTarget, shareCoinbase } from './block-from-share'
