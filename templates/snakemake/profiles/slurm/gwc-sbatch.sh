#!/bin/sh
# Submits one Snakemake job script to Slurm and prints its job id, which Snakemake
# hands to gwc-status.sh. Job logs go to logs/slurm/ (made first: older Slurm
# releases fail a job whose log directory is missing).
set -eu
mkdir -p logs/slurm
exec sbatch --parsable --output=logs/slurm/%x-%j.log "$@"
