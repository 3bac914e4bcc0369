# The code location image: the gRPC code server of the Helm chart's user deployment, and the image
# of every run pod the K8sRunLauncher starts (crawls need the browser in it).
#   docker build -t registry.example.com/seology-pipeline:0.1.0 .
FROM python:3.11-slim

# Debian's headless Chromium (the crawler's renderer) and fonts for rendered pages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium-headless-shell fonts-liberation \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/seology
COPY pyproject.toml constraints.txt README.md ./
COPY seology_pipeline ./seology_pipeline
RUN pip install --no-cache-dir -c constraints.txt . \
    && useradd --create-home --uid 10001 seology
COPY dagster.yaml workspace.yaml ./

USER 10001
ENV PYTHONUNBUFFERED=1 \
    SEOLOGY_CRAWL_BROWSER=chromium-headless-shell \
    SEOLOGY_DATA_DIR=/tmp/seology
EXPOSE 3030
CMD ["dagster", "api", "grpc", "-h", "0.0.0.0", "-p", "3030", "-m", "seology_pipeline.definitions"]
