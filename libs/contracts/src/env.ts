/** Environment variable names shared by more than one package. */

/**
 * The process driver marks every replica process with its worker's state directory, so a cleanup (libs/cluster
 * strays.ts) can find replicas whose worker died before recording their pid.
 */
export const STATE_DIR_ENV = "TUG_STATE_DIR";
