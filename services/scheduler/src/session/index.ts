export { runPipeline, type NodeRun, type RunOptions } from './session.js';
export { ROOT_ITEM, childItem, compareItems, itemIndices, itemPrefix } from './item-key.js';
