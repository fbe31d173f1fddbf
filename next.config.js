/** @type {import('next').NextConfig} */
const nextConfig = {
  // a static export: any static host or CDN serves the whole course
  output: 'export',
  reactStrictMode: true,
  poweredByHeader: false,
  images: { unoptimized: true },
}

export default nextConfig
