export { PipelineDefinition } from './pipeline-definition.js';
export type { PipelineMetadata } from './tensor-specs.js';
export { repositoryCatalog, type ModelCatalog, type ModelVersionMetadata } from './model-catalog.js';
export {
  outputLevels,
  REQUEST,
  RESPONSE,
  type ModelNode,
  type NodeDefinition,
  type NodeModel,
  type RequestNode,
  type ResponseNode,
} from './node-definition.js';
