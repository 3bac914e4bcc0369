"""SEO audit of one crawl: rule catalogue, site-wide analysis, severity in context, history.

Entry points: :func:`seology_pipeline.audit.engine.run_audit`,
:func:`seology_pipeline.audit.rules.catalogue`, :class:`seology_pipeline.audit.config.AuditConfig`
and :func:`seology_pipeline.audit.history.apply_findings`. No Dagster here.
"""
