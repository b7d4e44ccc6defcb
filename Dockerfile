FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY loaders ./loaders
COPY graph ./graph
COPY schema ./schema
RUN pip install --no-cache-dir .
# Mount a corpus at /corpus (laid out like ../shared/corpus); without it the bundled sample is served.
ENV DETGRAPH_CORPUS=/corpus
EXPOSE 8000
CMD ["detgraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
