// The workbench's build-time face: the step list a lesson page is built with.
export { describeWorkbenchSteps } from './steps'
export { collectStepStarts, parseStepLayers, type UnbuiltStepStart } from './step-starts'
